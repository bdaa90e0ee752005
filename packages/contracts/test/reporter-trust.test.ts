// The report-weighting table alone: each factor, the cap, how reporters combine, and who counts for
// the fraud registry. The services' tests prove the table is applied where reports move things.
import { describe, expect, it } from 'vitest';
import { combinedReportWeight, countsForRegistry, REPORT_WEIGHTING, REPORTER_TRUST, reporterWeight, type ReporterTrust } from '../src/reporter-trust.ts';

const fresh: ReporterTrust = { verifiedMethods: [], accountAgeDays: 0, tradedWithTarget: false };
const reporters = (weight: number, n: number) => Array.from({ length: n }, (_, i) => ({ reporterId: `r${i}`, weight }));

describe('a reporter\'s weight', () => {
  it('a fresh, unverified account with no dealings weighs the floor, as do unknown facts', () => {
    expect(reporterWeight(fresh)).toBe(REPORTER_TRUST.floor);
    expect(reporterWeight(null)).toBe(0.1);
    expect(reporterWeight(undefined)).toBe(0.1);
  });

  it('adds each verification, account age up to 180 days, a trade and a conversation with the target', () => {
    expect(reporterWeight({ ...fresh, verifiedMethods: ['EMAIL'] })).toBe(0.15);
    expect(reporterWeight({ ...fresh, verifiedMethods: ['OAUTH'] })).toBe(0.15);
    expect(reporterWeight({ ...fresh, verifiedMethods: ['SMS'] })).toBe(0.3);
    expect(reporterWeight({ ...fresh, verifiedMethods: ['ID_CARD'] })).toBe(0.4);
    expect(reporterWeight({ ...fresh, verifiedMethods: ['SMS', 'SMS'] })).toBe(0.3);
    expect(reporterWeight({ ...fresh, accountAgeDays: 90 })).toBe(0.2);
    expect(reporterWeight({ ...fresh, accountAgeDays: 180 })).toBe(0.3);
    expect(reporterWeight({ ...fresh, accountAgeDays: 5_000 })).toBe(0.3);
    expect(reporterWeight({ ...fresh, tradedWithTarget: true })).toBe(0.6);
    expect(reporterWeight({ ...fresh, conversedWithTarget: true })).toBe(0.4);
  });

  it('never exceeds 1', () => {
    expect(reporterWeight({ verifiedMethods: ['EMAIL', 'SMS', 'ID_CARD', 'OAUTH'], accountAgeDays: 400, tradedWithTarget: true, conversedWithTarget: true })).toBe(1);
  });
});

describe('reports combined against one target', () => {
  it('counts a reporter once, with their heaviest report', () => {
    expect(combinedReportWeight([{ reporterId: 'a', weight: 0.6 }, { reporterId: 'a', weight: 0.8 }, { reporterId: 'a', weight: 0.6 }])).toBe(0.8);
  });

  it('throwaway accounts together never reach one credible reporter, however many', () => {
    const one = reporterWeight(fresh);
    expect(combinedReportWeight(reporters(one, 3))).toBe(0.3);
    expect(combinedReportWeight(reporters(one, 1_000))).toBe(REPORT_WEIGHTING.lowTrustCap);
    expect(combinedReportWeight(reporters(one, 1_000))).toBeLessThan(REPORT_WEIGHTING.burstFrom);
  });

  it('three fresh accounts move neither the safety score nor the monitor', () => {
    const three = combinedReportWeight(reporters(reporterWeight(fresh), 3));
    expect(three).toBeLessThan(REPORT_WEIGHTING.pendingCountsFrom);
    expect(three).toBeLessThan(REPORT_WEIGHTING.burstFrom);
  });

  it('three people who traded with the target reach REPORT_BURST; two do not', () => {
    const traded = reporterWeight({ ...fresh, tradedWithTarget: true });
    expect(combinedReportWeight(reporters(traded, 2))).toBeLessThan(REPORT_WEIGHTING.burstFrom);
    expect(combinedReportWeight(reporters(traded, 3))).toBeGreaterThanOrEqual(REPORT_WEIGHTING.burstFrom);
  });
});

describe('the fraud registry', () => {
  it('counts only identity-verified reporters who traded with the holder', () => {
    expect(countsForRegistry({ ...fresh, verifiedMethods: ['SMS'], tradedWithTarget: true })).toBe(true);
    expect(countsForRegistry({ ...fresh, verifiedMethods: ['ID_CARD'], tradedWithTarget: true })).toBe(true);
    expect(countsForRegistry({ ...fresh, verifiedMethods: ['EMAIL', 'OAUTH'], tradedWithTarget: true, accountAgeDays: 900 })).toBe(false);
    expect(countsForRegistry({ ...fresh, verifiedMethods: ['SMS', 'ID_CARD'], accountAgeDays: 900 })).toBe(false);
    expect(countsForRegistry(fresh)).toBe(false);
    expect(countsForRegistry(null)).toBe(false);
    expect(REPORT_WEIGHTING.registry.minReporters).toBe(2);
  });
});
