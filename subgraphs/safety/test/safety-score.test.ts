// The score model alone: each factor, the caps, the decay, report bombing and clamping.
import { describe, expect, it } from 'vitest';
import { reporterWeight } from '@anshim/contracts';
import { calculateSafetyScore, currentRisk, EMPTY_INPUTS, gradeOf, reportDecay, RULE_VERSION, WEIGHTS, type ReportInput, type ScoreInputs } from '../src/score/safety-score.ts';

const now = new Date('2026-11-23T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
const daysAhead = (days: number) => new Date(now.getTime() + days * 86_400_000);
const score = (inputs: Partial<ScoreInputs>) => calculateSafetyScore({ ...EMPTY_INPUTS, ...inputs }, now);
const factor = (inputs: Partial<ScoreInputs>, code: string) => score(inputs).factors.find((f) => f.code === code);
/** A report; `reporterWeight` 1 is a fully trusted reporter (packages/contracts/src/reporter-trust.ts). */
const report = (type: ReportInput['type'], state: ReportInput['state'], filedDaysAgo = 0, reporterId = 'r1', reporterWeight = 1): ReportInput => ({ type, state, filedAt: daysAgo(filedDaysAgo), reporterId, reporterWeight });

describe('a new account', () => {
  it('starts at 50, NORMAL, explained by its factors', () => {
    const result = score({ registeredAt: now });
    expect(result).toMatchObject({ value: 50, grade: 'NORMAL', ruleVersion: RULE_VERSION });
    expect(result.factors.map((f) => f.code)).toEqual(['BASE', 'NOT_VERIFIED', 'NEW_ACCOUNT']);
    expect(result.factors[0]).toMatchObject({ contribution: 50, description: { ko: expect.stringContaining('50점'), en: expect.stringContaining('50 points') } });
    expect(result.badges).toEqual(['NEW_MEMBER']);
  });

  it('sums to the value: every point is explained', () => {
    const result = score({ registeredAt: daysAgo(40), verifiedMethods: ['EMAIL', 'SMS'], profileCompleteness: 60, completedTrades: 4, ratingCount: 2, ratingAverage: 4.5, cancellations: [daysAgo(3)] });
    const total = result.factors.reduce((s, f) => s + f.contribution, 0);
    expect(Math.abs(total - result.value)).toBeLessThan(0.11);
  });
});

describe('each factor', () => {
  it('verification: email +5, phone +10, ID card +15, OAuth +5', () => {
    expect(factor({ verifiedMethods: ['EMAIL'] }, 'EMAIL_VERIFIED')?.contribution).toBe(5);
    expect(factor({ verifiedMethods: ['SMS'] }, 'PHONE_VERIFIED')?.contribution).toBe(10);
    expect(factor({ verifiedMethods: ['ID_CARD'] }, 'ID_CARD_VERIFIED')?.contribution).toBe(15);
    expect(factor({ verifiedMethods: ['OAUTH'] }, 'OAUTH_VERIFIED')?.contribution).toBe(5);
    expect(score({ verifiedMethods: ['EMAIL', 'SMS', 'ID_CARD', 'OAUTH'] }).value).toBe(85);
    expect(score({ verifiedMethods: ['SMS'] }).badges).toContain('IDENTITY_VERIFIED');
  });

  it('profile completeness up to +5', () => {
    expect(factor({ profileCompleteness: 100 }, 'PROFILE_COMPLETE')?.contribution).toBe(5);
    expect(factor({ profileCompleteness: 40 }, 'PROFILE_COMPLETE')?.contribution).toBe(2);
    expect(factor({ profileCompleteness: 400 }, 'PROFILE_COMPLETE')?.contribution).toBe(5);
  });

  it('account age up to +10 over 180 days', () => {
    expect(factor({ registeredAt: daysAgo(90) }, 'ACCOUNT_AGE')?.contribution).toBe(5);
    expect(factor({ registeredAt: daysAgo(180) }, 'ACCOUNT_AGE')?.contribution).toBe(10);
    expect(factor({ registeredAt: daysAgo(2000) }, 'ACCOUNT_AGE')?.contribution).toBe(10);
    expect(score({ registeredAt: daysAgo(60) }).badges).toContain('NO_REPORTS');
  });

  it('completed trades: up to +20, diminishing, weighted by ratings', () => {
    const one = factor({ completedTrades: 1 }, 'COMPLETED_TRADES')!.contribution;
    const oneFiveStars = factor({ completedTrades: 1, ratingCount: 1, ratingAverage: 5 }, 'COMPLETED_TRADES')!.contribution;
    const oneOneStar = factor({ completedTrades: 1, ratingCount: 1, ratingAverage: 1 }, 'COMPLETED_TRADES')!.contribution;
    expect(oneFiveStars).toBeGreaterThan(one);
    expect(one).toBeGreaterThan(oneOneStar);
    expect(oneOneStar).toBeGreaterThan(0);
    const ten = factor({ completedTrades: 10, ratingCount: 10, ratingAverage: 5 }, 'COMPLETED_TRADES')!.contribution;
    const twenty = factor({ completedTrades: 20, ratingCount: 20, ratingAverage: 5 }, 'COMPLETED_TRADES')!.contribution;
    expect(twenty - ten).toBeLessThan(ten); // diminishing returns
    expect(factor({ completedTrades: 10_000, ratingCount: 10_000, ratingAverage: 5 }, 'COMPLETED_TRADES')!.contribution).toBe(20);
    expect(score({ completedTrades: 12, ratingCount: 6, ratingAverage: 4.8 }).badges).toEqual(expect.arrayContaining(['TRADES_10', 'HIGHLY_RATED', 'NO_REPORTS']));
  });

  it('cancellations −2 and disputes −5 each, only within 90 days', () => {
    expect(factor({ cancellations: [daysAgo(1), daysAgo(89), daysAgo(91)] }, 'CANCELLATIONS')?.contribution).toBe(-4);
    expect(factor({ disputes: [daysAgo(10), daysAgo(200)] }, 'DISPUTES')?.contribution).toBe(-5);
    expect(factor({ cancellations: [daysAgo(100)] }, 'CANCELLATIONS')).toBeUndefined();
  });

  it('accepted reports by type; dismissed ones count 0', () => {
    for (const [type, weight] of Object.entries(WEIGHTS.acceptedReport)) {
      expect(factor({ reports: [report(type as ReportInput['type'], 'ACCEPTED')] }, `REPORT_${type}`)?.contribution).toBe(weight);
    }
    expect(score({ reports: [report('FRAUD', 'DISMISSED')] }).value).toBe(50);
    expect(score({ reports: [report('FRAUD', 'ACCEPTED'), report('NO_SHOW', 'ACCEPTED')] }).value).toBe(15);
  });

  it('monitor risk: HIGH −20, MEDIUM −10, until it expires or is cleared', () => {
    expect(factor({ riskSignals: [{ level: 'HIGH', detectedAt: daysAgo(1), expiresAt: daysAhead(1) }] }, 'RISK_HIGH')?.contribution).toBe(-20);
    expect(factor({ riskSignals: [{ level: 'MEDIUM', detectedAt: daysAgo(1), expiresAt: null }] }, 'RISK_MEDIUM')?.contribution).toBe(-10);
    expect(score({ riskSignals: [{ level: 'HIGH', detectedAt: daysAgo(2), expiresAt: daysAgo(1) }] }).value).toBe(50);
    expect(score({ riskSignals: [{ level: 'HIGH', detectedAt: daysAgo(2), expiresAt: null }], riskClearedAt: daysAgo(1) }).value).toBe(50);
    // A signal detected after the clearance counts again.
    expect(score({ riskSignals: [{ level: 'MEDIUM', detectedAt: daysAgo(1), expiresAt: null }], riskClearedAt: daysAgo(2) }).value).toBe(40);
    expect(currentRisk({ riskSignals: [{ level: 'LOW', detectedAt: daysAgo(1), expiresAt: null }, { level: 'HIGH', detectedAt: daysAgo(1), expiresAt: null }], riskClearedAt: null }, now)).toBe('HIGH');
  });
});

describe('caps', () => {
  const excellent: Partial<ScoreInputs> = { registeredAt: daysAgo(400), verifiedMethods: ['EMAIL', 'SMS', 'ID_CARD'], profileCompleteness: 100, completedTrades: 60, ratingCount: 50, ratingAverage: 4.9 };

  it('SUSPENSION caps the grade at CAUTION while it lasts', () => {
    expect(score(excellent).grade).toBe('VERY_SAFE');
    const suspended = score({ ...excellent, sanctions: [{ type: 'SUSPENSION', startsAt: daysAgo(1), endsAt: daysAhead(6), endedAt: null }] });
    expect(suspended.grade).toBe('CAUTION');
    expect(suspended.value).toBe(WEIGHTS.caps.SUSPENSION);
    expect(suspended.factors.at(-1)?.code).toBe('SUSPENSION_CAP');
    expect(suspended.badges).toContain('RESTRICTED');
    expect(score({ ...excellent, sanctions: [{ type: 'SUSPENSION', startsAt: daysAgo(10), endsAt: daysAgo(3), endedAt: null }] }).grade).toBe('VERY_SAFE');
    expect(score({ ...excellent, sanctions: [{ type: 'SUSPENSION', startsAt: daysAgo(10), endsAt: daysAhead(3), endedAt: daysAgo(1) }] }).grade).toBe('VERY_SAFE');
    expect(score({ ...excellent, accountStatus: 'SUSPENDED', statusUntil: daysAhead(2) }).grade).toBe('CAUTION');
    expect(score({ ...excellent, accountStatus: 'SUSPENDED', statusUntil: daysAgo(1) }).grade).toBe('VERY_SAFE');
  });

  it('a cap never raises a score', () => {
    const low = score({ reports: [report('FRAUD', 'ACCEPTED')], sanctions: [{ type: 'SUSPENSION', startsAt: daysAgo(1), endsAt: null, endedAt: null }] });
    expect(low.value).toBe(20);
    expect(low.factors.find((f) => f.code === 'SUSPENSION_CAP')?.contribution).toBe(0);
  });

  it('BAN sets DANGER', () => {
    expect(score({ ...excellent, sanctions: [{ type: 'BAN', startsAt: daysAgo(1), endsAt: null, endedAt: null }] }).grade).toBe('DANGER');
    expect(score({ ...excellent, accountStatus: 'BANNED' }).grade).toBe('DANGER');
  });

  it('CRITICAL risk caps at DANGER until cleared', () => {
    const critical = { level: 'CRITICAL' as const, detectedAt: daysAgo(1), expiresAt: null };
    expect(score({ ...excellent, riskSignals: [critical] }).grade).toBe('DANGER');
    expect(score({ ...excellent, riskSignals: [critical], riskClearedAt: now }).grade).toBe('VERY_SAFE');
  });
});

describe('recency decay', () => {
  it('halves an accepted report every 180 days', () => {
    expect(reportDecay(0)).toBe(1);
    expect(reportDecay(180)).toBeCloseTo(0.5);
    expect(reportDecay(360)).toBeCloseTo(0.25);
    expect(factor({ reports: [report('FRAUD', 'ACCEPTED', 180)] }, 'REPORT_FRAUD')?.contribution).toBe(-15);
    expect(factor({ reports: [report('FRAUD', 'ACCEPTED', 360)] }, 'REPORT_FRAUD')?.contribution).toBe(-7.5);
  });
});

describe('report bombing', () => {
  it('ten pending reports against an honest new user keep them NORMAL', () => {
    const reports = Array.from({ length: 10 }, (_, i) => report('FRAUD', 'PENDING', 0, `bomber-${i}`));
    const result = score({ registeredAt: now, reports });
    expect(result.grade).toBe('NORMAL');
    expect(result.value).toBe(50 + WEIGHTS.pendingReports.max);
    expect(result.factors.find((f) => f.code === 'PENDING_REPORTS')?.contribution).toBe(WEIGHTS.pendingReports.max);
  });

  it('throwaway accounts with no dealings move nothing and name nothing, however many', () => {
    const fresh = reporterWeight({ verifiedMethods: [], accountAgeDays: 0, tradedWithTarget: false });
    for (const n of [1, 3, 4]) {
      const reports = Array.from({ length: n }, (_, i) => report('FRAUD', 'PENDING', 0, `throwaway-${i}`, fresh));
      const result = score({ registeredAt: now, reports });
      expect(result.value).toBe(50);
      expect(result.factors.map((f) => f.code)).not.toContain('PENDING_REPORTS');
    }
    // A hundred of them together weigh half a credible reporter: -0.5, still NORMAL.
    const swarm = Array.from({ length: 100 }, (_, i) => report('FRAUD', 'PENDING', 0, `throwaway-${i}`, fresh));
    expect(score({ registeredAt: now, reports: swarm })).toMatchObject({ value: 49.5, grade: 'NORMAL' });
  });

  it('a reporter who traded with the target counts by their weight', () => {
    const traded = reporterWeight({ verifiedMethods: ['SMS'], accountAgeDays: 0, tradedWithTarget: true });
    expect(traded).toBe(0.8);
    expect(factor({ reports: [report('FRAUD', 'PENDING', 0, 'buyer', traded)] }, 'PENDING_REPORTS')?.contribution).toBe(-0.8);
  });

  it('counts each reporter once and forgets stale pending reports', () => {
    const same = Array.from({ length: 10 }, () => report('FRAUD', 'PENDING', 1, 'one-angry-person'));
    expect(score({ reports: same }).value).toBe(49);
    expect(score({ reports: [report('FRAUD', 'PENDING', 45)] }).value).toBe(50);
  });
});

describe('clamping and grades', () => {
  it('clamps to 0..100 and says so', () => {
    const worst = score({ reports: [report('FRAUD', 'ACCEPTED'), report('FRAUD', 'ACCEPTED', 0, 'r2'), report('COUNTERFEIT', 'ACCEPTED')] });
    expect(worst.value).toBe(0);
    expect(worst.factors.at(-1)).toMatchObject({ code: 'RANGE_LIMIT', contribution: 30 });
    const best = score({ registeredAt: daysAgo(400), verifiedMethods: ['EMAIL', 'SMS', 'ID_CARD', 'OAUTH'], profileCompleteness: 100, completedTrades: 500, ratingCount: 500, ratingAverage: 5 });
    expect(best.value).toBe(100);
    expect(best.factors.at(-1)?.code).toBe('RANGE_LIMIT');
  });

  it('grades at the documented thresholds', () => {
    expect([80, 79.9, 60, 59.9, 40, 39.9, 20, 19.9, 0].map(gradeOf)).toEqual(['VERY_SAFE', 'SAFE', 'SAFE', 'NORMAL', 'NORMAL', 'CAUTION', 'CAUTION', 'DANGER', 'DANGER']);
  });

  it('is deterministic', () => {
    const inputs: Partial<ScoreInputs> = { registeredAt: daysAgo(33), verifiedMethods: ['EMAIL'], reports: [report('NO_SHOW', 'ACCEPTED', 20)] };
    expect(score(inputs)).toEqual(score(inputs));
  });
});
