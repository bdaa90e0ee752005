// Who sees which factors and history entries of a score (ARCHITECTURE §6 "Who sees what"), through
// the safety subgraph with real events: the member and ADMINs see pending reports and risk signals
// by name; another member and anonymous callers see the same value with those folded into one
// "recent activity is being reviewed" factor, and history entries that do not name them.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '@anshim/platform';
import { PUBLIC_FACTOR_CODES } from '../src/score/factor-visibility.ts';
import { ADMIN, asUser, SafetyHarness } from './support/harness.ts';

const h = new SafetyHarness();
beforeAll(() => h.start(), 60_000);
afterAll(() => h.stop());

const HISTORY = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { safetyHistory(first: 20) { value delta reason cause } } } }`;
async function history(userId: string, viewer: Identity | null, lang?: 'en') {
  const result = await h.gql(HISTORY, { r: [{ __typename: 'User', id: userId }] }, { lang, identity: viewer });
  expect(result.errors).toBeUndefined();
  return result.data!._entities[0].safetyHistory as Array<{ value: number; delta: number; reason: string; cause: string }>;
}

const PRIVATE_WORDS = /신고|감지|report|detected|fraud|사기/i;

async function reportedAndFlagged(): Promise<{ target: string; reporter: string }> {
  const target = randomUUID();
  const reporter = randomUUID();
  await h.publisher.publish('user.registered', { userId: target, nickname: '대상', createdAt: new Date(Date.now() - 40 * 86_400_000).toISOString() });
  await h.publisher.publish('user.verified', { userId: target, method: 'EMAIL', verifiedAt: new Date().toISOString() });
  await h.waitForScore(target, (s) => s.factors.some((f) => f.code === 'EMAIL_VERIFIED'));
  await h.publisher.publish('report.filed', { reportId: randomUUID(), reporterId: reporter, targetUserId: target, type: 'FRAUD', priority: 'URGENT', productId: null, transactionId: null, filedAt: new Date().toISOString() });
  await h.publisher.publish('monitor.risk_detected', { userId: target, level: 'HIGH', rule: 'MANY_NEW_LISTINGS', alertId: randomUUID(), detectedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
  await h.waitForScore(target, (s) => s.factors.some((f) => f.code === 'RISK_HIGH'), 'risk factor');
  return { target, reporter };
}

describe('safety factors and history by viewer', () => {
  it('another member sees the same value, public factors and ONE "under review" factor; the member and ADMINs see everything', async () => {
    const { target } = await reportedAndFlagged();
    const own = await h.score(target, 'ko', asUser(target));
    const admin = await h.score(target, 'ko', ADMIN);
    const other = await h.score(target, 'ko', asUser(randomUUID()));
    const anonymous = await h.score(target, 'en', null);

    expect(own.factors.map((f) => f.code)).toContain('RISK_HIGH');
    expect(admin.factors).toEqual(own.factors);
    for (const seen of [other, anonymous]) {
      expect(seen.value).toBe(own.value);
      const codes = seen.factors.map((f) => f.code);
      expect(codes.filter((c) => c === 'UNDER_REVIEW')).toHaveLength(1);
      expect(codes.filter((c) => c !== 'UNDER_REVIEW').every((c) => PUBLIC_FACTOR_CODES.has(c))).toBe(true);
      expect(codes).not.toContain('RISK_HIGH');
      expect(codes).not.toContain('PENDING_REPORTS');
      // What is shown still adds up to the score.
      expect(Math.round(seen.factors.reduce((sum, f) => sum + f.contribution, 0) * 10) / 10).toBe(seen.value);
      expect(seen.factors.filter((f) => f.code !== 'UNDER_REVIEW').some((f) => PRIVATE_WORDS.test(f.description))).toBe(false);
    }
    expect(other.factors.find((f) => f.code === 'UNDER_REVIEW')!.description).toBe('최근 활동을 검토하고 있습니다.');
    expect(anonymous.factors.find((f) => f.code === 'UNDER_REVIEW')!.description).toBe('Recent activity is being reviewed.');
    const privateSum = own.factors.filter((f) => !PUBLIC_FACTOR_CODES.has(f.code)).reduce((sum, f) => sum + f.contribution, 0);
    expect(other.factors.find((f) => f.code === 'UNDER_REVIEW')!.contribution).toBe(Math.round(privateSum * 10) / 10);
  });

  it("another member's view of the history names no report or risk signal; the member's own does", async () => {
    const { target } = await reportedAndFlagged();
    const own = await history(target, asUser(target));
    expect(own.map((c) => c.cause)).toContain('monitor.risk_detected');

    for (const viewer of [asUser(randomUUID()), null]) {
      const seen = await history(target, viewer);
      expect(seen.map((c) => c.value)).toEqual(own.map((c) => c.value));
      for (const change of seen) {
        expect(change.cause).not.toMatch(/^(report|monitor)\./);
        if (change.cause === 'activity.review') expect(change.reason).toBe('최근 활동을 검토하고 있습니다.');
        else expect(change.reason).not.toMatch(PRIVATE_WORDS);
      }
      expect(seen.some((c) => c.cause === 'activity.review')).toBe(true);
    }
    const en = await history(target, asUser(randomUUID()), 'en');
    expect(en.find((c) => c.cause === 'activity.review')!.reason).toBe('Recent activity is being reviewed.');
  });

  it('an accepted report and its sanction are public facts: others see them by name', async () => {
    const target = randomUUID();
    const reporterId = randomUUID();
    const reportId = randomUUID();
    await h.publisher.publish('user.registered', { userId: target, nickname: '대상', createdAt: new Date().toISOString() });
    await h.waitForScore(target, (s) => s.version >= 1);
    const filedAt = new Date(Date.now() - 60_000).toISOString();
    await h.publisher.publish('report.filed', { reportId, reporterId, targetUserId: target, type: 'FRAUD', priority: 'URGENT', productId: null, transactionId: null, filedAt });
    await h.publisher.publish('report.processed', { reportId, reporterId, targetUserId: target, type: 'FRAUD', decision: 'ACCEPT', sanction: 'SUSPENSION', filedAt, processedAt: new Date().toISOString() });
    await h.publisher.publish('report.sanction_applied', { reportId, userId: target, sanction: 'SUSPENSION', reason: '사기', startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 7 * 86_400_000).toISOString() });
    await h.waitForScore(target, (s) => s.factors.some((f) => f.code === 'SUSPENSION_CAP'));
    const other = await h.score(target, 'ko', asUser(randomUUID()));
    expect(other.factors.map((f) => f.code)).toEqual(expect.arrayContaining(['REPORT_FRAUD', 'SUSPENSION_CAP']));
    expect(other.factors.map((f) => f.code)).not.toContain('UNDER_REVIEW');
    const seen = await history(target, asUser(randomUUID()));
    expect(seen.map((c) => c.cause)).toContain('report.processed');
  });
});
