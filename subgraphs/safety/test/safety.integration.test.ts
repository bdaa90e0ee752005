// The safety subgraph and its workers against real PostgreSQL and Redis, with events published
// through the platform's outbox and relay: the projection, recalculation, history, cache, the
// outbox event, display, admin operations, duplicates, out-of-order events, poison and the feed.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Queue } from 'bullmq';
import { channelName, consumerQueueName, createQueueConnection, DeadLetters, queuePrefix, signIdentityHeaders, connectionTarget, subscribeTarget, IDENTITY_EXTENSION } from '@anshim/platform';
import { scoreCacheKey, scoreChannel } from '../src/score/score-cache.ts';
import { ADMIN, asUser, hex, SafetyHarness, waitFor } from './support/harness.ts';

const h = new SafetyHarness();
beforeAll(() => h.start(), 60_000);
afterAll(() => h.stop());

const iso = (ms: number) => new Date(ms).toISOString();
const minutesAgo = (m: number) => iso(Date.now() - m * 60_000);

async function registered(createdAt = new Date().toISOString()): Promise<string> {
  const userId = randomUUID();
  await h.publisher.publish('user.registered', { userId, nickname: '안심이', createdAt });
  await h.waitForScore(userId, (s) => s.version >= 1, 'first score');
  return userId;
}

const HISTORY = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { safetyHistory(first: 10) { value grade delta reason cause at user { id } } } } }`;
/** As an ADMIN, who sees every entry as computed (others' view: factor-visibility.integration.test.ts). */
async function history(userId: string, lang?: 'en') {
  const result = await h.gql(HISTORY, { r: [{ __typename: 'User', id: userId }] }, { lang, identity: ADMIN });
  expect(result.errors).toBeUndefined();
  return result.data!._entities[0].safetyHistory as Array<{ value: number; grade: string; delta: number; reason: string; cause: string; user: { id: string } }>;
}

const DISPLAY = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { safetyDisplay { grade label color icon badges message accessibleText hints } } } }`;

describe('scores from events', () => {
  it('scores a new user NORMAL with factors, stores history, the cache and a score_changed event', async () => {
    const userId = await registered();
    const score = await h.score(userId);
    expect(score).toMatchObject({ value: 50, grade: 'NORMAL', version: 1 });
    expect(score.factors.map((f) => f.code)).toEqual(['BASE', 'NOT_VERIFIED', 'NEW_ACCOUNT']);
    expect(score.factors[0]!.description).toBe('모든 회원은 50점에서 시작합니다.');
    expect((await h.score(userId, 'en')).factors[0]!.description).toBe('Every member starts at 50 points.');

    const [first] = await history(userId);
    expect(first).toMatchObject({ value: 50, grade: 'NORMAL', delta: 0, cause: 'user.registered', reason: '첫 안전 점수가 계산되었습니다.', user: { id: userId } });

    const cached = JSON.parse((await h.redis.get(scoreCacheKey(userId)))!);
    expect(cached).toMatchObject({ userId, value: 50, grade: 'NORMAL', version: 1 });
    const outbox = await h.server.core.prisma.outboxEvent.findMany({ where: { type: 'safety.score_changed', payload: { path: ['subjectUserId'], equals: userId } }, select: { topic: true, payload: true } });
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ topic: 'safety.events', payload: { producer: 'safety', data: { userId, score: 50, grade: 'NORMAL', previousScore: null, version: 1, cause: 'user.registered' } } });
  });

  it('raises the score for email and phone verification, each step in the history', async () => {
    const userId = await registered();
    await h.publisher.publish('user.verified', { userId, method: 'EMAIL', verifiedAt: new Date().toISOString() });
    await h.waitForScore(userId, (s) => s.value === 55);
    await h.publisher.publish('user.verified', { userId, method: 'SMS', verifiedAt: new Date().toISOString() });
    const score = await h.waitForScore(userId, (s) => s.value === 65);
    expect(score.grade).toBe('SAFE');
    const steps = await history(userId);
    expect(steps.map((s) => [s.cause, s.delta, s.value])).toEqual([
      ['user.verified', 10, 65],
      ['user.verified', 5, 55],
      ['user.registered', 0, 50],
    ]);
    expect(steps[0]!.reason).toBe('휴대폰 본인인증을 마쳤습니다.');
    expect((await history(userId, 'en'))[1]!.reason).toBe('Email address verified.');
  });

  it('a completed trade with a 5-star rating raises the seller more than an unrated one', async () => {
    const [seller, buyer] = [await registered(), await registered()];
    const trade = { transactionId: randomUUID(), productId: randomUUID(), buyerId: buyer, sellerId: seller, amount: 30_000, by: buyer, at: new Date().toISOString() };
    await h.publisher.publish('transaction.completed', trade);
    const unrated = await h.waitForScore(seller, (s) => s.factors.some((f) => f.code === 'COMPLETED_TRADES'));
    await h.publisher.publish('transaction.rated', { transactionId: trade.transactionId, raterId: buyer, rateeId: seller, rateeRole: 'SELLER', stars: 5, at: new Date().toISOString() });
    const rated = await h.waitForScore(seller, (s) => s.value > unrated.value);
    expect(rated.value).toBeGreaterThan(50);
    expect(rated.factors.find((f) => f.code === 'COMPLETED_TRADES')?.description).toBe('거래 1건을 마쳤고 받은 별점은 평균 5.0점입니다.');
    expect((await history(seller))[0]!.cause).toBe('transaction.rated');
    expect((await h.score(buyer)).factors.some((f) => f.code === 'COMPLETED_TRADES')).toBe(true);
  });

  it('an accepted FRAUD report with a BAN makes the target DANGER; the display says what to do', async () => {
    const target = await registered();
    const reportId = randomUUID();
    const reporterId = randomUUID();
    const filedAt = minutesAgo(30);
    // A victim who traded with the target: a credible reporter, so the pending report counts.
    const reporter = { verifiedMethods: ['SMS' as const], accountAgeDays: 30, tradedWithTarget: true };
    await h.publisher.publish('report.filed', { reportId, reporterId, targetUserId: target, type: 'FRAUD', priority: 'URGENT', productId: null, transactionId: null, filedAt, reporter });
    await h.waitForScore(target, (s) => s.factors.some((f) => f.code === 'PENDING_REPORTS'));
    await h.publisher.publish('report.processed', { reportId, reporterId, targetUserId: target, type: 'FRAUD', decision: 'ACCEPT', sanction: 'BAN', filedAt, processedAt: new Date().toISOString() });
    await h.publisher.publish('report.sanction_applied', { reportId, userId: target, sanction: 'BAN', reason: '사기', startsAt: new Date().toISOString(), endsAt: null });
    const score = await h.waitForScore(target, (s) => s.factors.some((f) => f.code === 'BAN_CAP'));
    expect(score.grade).toBe('DANGER');
    expect(score.value).toBeLessThan(20);

    const ko = await h.gql(DISPLAY, { r: [{ __typename: 'User', id: target }] });
    expect(ko.data!._entities[0].safetyDisplay).toMatchObject({ grade: 'DANGER', label: '위험', color: '#B71C1C', icon: 'dangerous', hints: [] });
    expect(ko.data!._entities[0].safetyDisplay.badges[0]).toBe('이용 정지 중');
    expect(ko.data!._entities[0].safetyDisplay.accessibleText).toMatch(/^안전 등급 위험, 100점 만점에 \d+(\.\d)?점\./);
    const en = await h.gql(DISPLAY, { r: [{ __typename: 'User', id: target }] }, { lang: 'en' });
    expect(en.data!._entities[0].safetyDisplay).toMatchObject({ label: 'Danger' });
    expect(en.data!._entities[0].safetyDisplay.badges[0]).toBe('Account restricted');
    expect(en.data!._entities[0].safetyDisplay.message).toMatch(/Never send money first/);
  });

  it('reports from fresh, unverified accounts with no dealings move nothing and leave no trace; a credible reporter counts', async () => {
    const target = await registered();
    const before = await h.score(target);
    const fresh = { verifiedMethods: [] as never[], accountAgeDays: 0, tradedWithTarget: false };
    const filed: Array<{ id: string }> = [];
    for (let i = 0; i < 3; i += 1) {
      filed.push(await h.publisher.publish('report.filed', { reportId: randomUUID(), reporterId: randomUUID(), targetUserId: target, type: 'FRAUD', priority: 'HIGH', productId: null, transactionId: null, filedAt: new Date().toISOString(), reporter: fresh }));
    }
    await waitFor(() => h.server.core.prisma.processedEvent.count({ where: { eventId: { in: filed.map((e) => e.id) } } }), (n) => n === 3, 10_000, 'the three reports');
    // Same value and grade, no factor naming them, and no new version the target could notice.
    expect(await h.score(target)).toEqual(before);
    expect((await history(target)).map((c) => c.cause)).toEqual(['user.registered']);

    // Someone who verified their phone and traded with the target: the report counts, a little.
    const reporter = { verifiedMethods: ['SMS' as const], accountAgeDays: 0, tradedWithTarget: true };
    await h.publisher.publish('report.filed', { reportId: randomUUID(), reporterId: randomUUID(), targetUserId: target, type: 'FRAUD', priority: 'HIGH', productId: null, transactionId: null, filedAt: new Date().toISOString(), reporter });
    const counted = await h.waitForScore(target, (s) => s.factors.some((f) => f.code === 'PENDING_REPORTS'));
    // 0.8 for the credible reporter plus 0.3 for the three throwaway accounts (capped at 0.5).
    expect(counted.factors.find((f) => f.code === 'PENDING_REPORTS')?.contribution).toBe(-1.1);
    expect(counted.grade).toBe('NORMAL');
  });

  it('CRITICAL risk caps at DANGER until cleared; HIGH costs 20 points', async () => {
    const userId = await registered();
    await h.publisher.publish('monitor.risk_detected', { userId, level: 'CRITICAL', rule: 'OFF_PLATFORM_PAYMENT_REQUEST', alertId: randomUUID(), detectedAt: minutesAgo(1), expiresAt: null });
    expect((await h.waitForScore(userId, (s) => s.grade === 'DANGER')).factors.at(-1)?.code).toBe('RISK_CRITICAL_CAP');
    await h.publisher.publish('monitor.risk_cleared', { userId, clearedAt: minutesAgo(0.5), by: ADMIN.userId });
    await h.waitForScore(userId, (s) => s.grade === 'NORMAL');
    await h.publisher.publish('monitor.risk_detected', { userId, level: 'HIGH', rule: 'MANY_NEW_LISTINGS', alertId: randomUUID(), detectedAt: new Date().toISOString(), expiresAt: iso(Date.now() + 3_600_000) });
    const high = await h.waitForScore(userId, (s) => s.factors.some((f) => f.code === 'RISK_HIGH'));
    expect(high.value).toBe(30);
    expect(high.grade).toBe('CAUTION');
  });

  it('a risk signal stops counting when it expires, without waiting for the nightly batch', async () => {
    const userId = await registered();
    await h.publisher.publish('monitor.risk_detected', { userId, level: 'HIGH', rule: 'BURST', alertId: randomUUID(), detectedAt: minutesAgo(1), expiresAt: iso(Date.now() + 1_500) });
    await h.waitForScore(userId, (s) => s.value === 30);
    // The worker scheduled a recheck for the expiry: the points come back on their own.
    await h.waitForScore(userId, (s) => s.value === 50, 'the expiry recheck');
    expect((await history(userId))[0]).toMatchObject({ cause: 'schedule.expiry', delta: 20 });
  });

  it('a suspension caps the grade at CAUTION and lifts when it ends', async () => {
    const userId = await registered();
    for (const method of ['EMAIL', 'SMS', 'ID_CARD'] as const) await h.publisher.publish('user.verified', { userId, method, verifiedAt: new Date().toISOString() });
    await h.waitForScore(userId, (s) => s.grade === 'VERY_SAFE');
    const reportId = randomUUID();
    await h.publisher.publish('report.sanction_applied', { reportId, userId, sanction: 'SUSPENSION', reason: '노쇼 반복', startsAt: minutesAgo(1), endsAt: iso(Date.now() + 7 * 86_400_000) });
    expect((await h.waitForScore(userId, (s) => s.grade === 'CAUTION')).value).toBe(39);
    await h.publisher.publish('report.sanction_ended', { reportId, userId, sanction: 'SUSPENSION', endedAt: new Date().toISOString() });
    await h.waitForScore(userId, (s) => s.grade === 'VERY_SAFE');
  });
});

describe('duplicates, order and poison', () => {
  it('a redelivered event changes nothing', async () => {
    const userId = await registered();
    const envelope = await h.publisher.publish('user.verified', { userId, method: 'EMAIL', verifiedAt: new Date().toISOString() });
    const after = await h.waitForScore(userId, (s) => s.value === 55);
    // The same envelope again under another job id (e.g. after BullMQ cleaned the first job up).
    const jobId = await h.publisher.inject(envelope);
    const connection = createQueueConnection(h.server.core.redisSettings);
    const queue = new Queue(consumerQueueName('safety'), { connection, prefix: queuePrefix(h.server.core.redisSettings, consumerQueueName('safety')) });
    const job = await waitFor(() => queue.getJob(jobId), (j) => j?.returnvalue != null, 10_000, 'the redelivered job');
    await queue.close();
    connection.disconnect();
    expect(job!.returnvalue).toBe('duplicate');
    expect(await h.score(userId)).toMatchObject({ value: 55, version: after.version });
    expect((await history(userId)).filter((s) => s.cause === 'user.verified')).toHaveLength(1);
  });

  it('an older event arriving late does not undo a newer state', async () => {
    const userId = await registered();
    const now = Date.now();
    await h.publisher.publish('user.status_changed', { userId, status: 'BANNED', until: null }, { occurredAt: new Date(now) });
    await h.waitForScore(userId, (s) => s.grade === 'DANGER');
    // Published later, happened earlier: must not lift the ban.
    const stale = await h.publisher.publish('user.status_changed', { userId, status: 'ACTIVE', until: null }, { occurredAt: new Date(now - 60_000) });
    await h.publisher.publish('user.profile_updated', { userId, fields: ['bio'], profileCompleteness: 80, protectedMode: false }, { occurredAt: new Date(now) });
    await h.publisher.publish('user.profile_updated', { userId, fields: ['bio'], profileCompleteness: 10, protectedMode: false }, { occurredAt: new Date(now - 60_000) });
    await waitFor(async () => (await history(userId)).length, () => true);
    await waitFor(
      () => h.server.core.prisma.processedEvent.count({ where: { eventId: stale.id } }),
      (n) => n === 1,
      10_000,
      'the stale event to be processed',
    );
    const score = await h.waitForScore(userId, (s) => s.factors.some((f) => f.code === 'PROFILE_COMPLETE' && f.contribution === 4));
    expect(score.grade).toBe('DANGER');
    const inputs = await h.server.core.prisma.userInputs.findUnique({ where: { userId }, select: { status: true, profileCompleteness: true } });
    expect(inputs).toEqual({ status: 'BANNED', profileCompleteness: 80 });
  });

  it('a decision arriving before its filing keeps the decision; a rating before its completion waits for it', async () => {
    const target = await registered();
    const reportId = randomUUID();
    const reporterId = randomUUID();
    const filedAt = minutesAgo(5);
    await h.publisher.publish('report.processed', { reportId, reporterId, targetUserId: target, type: 'NO_SHOW', decision: 'ACCEPT', sanction: null, filedAt, processedAt: new Date().toISOString() });
    await h.waitForScore(target, (s) => s.factors.some((f) => f.code === 'REPORT_NO_SHOW'));
    const late = await h.publisher.publish('report.filed', { reportId, reporterId, targetUserId: target, type: 'NO_SHOW', priority: 'NORMAL', productId: null, transactionId: null, filedAt });
    await waitFor(() => h.server.core.prisma.processedEvent.count({ where: { eventId: late.id } }), (n) => n === 1);
    const score = await h.score(target);
    expect(score.factors.find((f) => f.code === 'REPORT_NO_SHOW')?.contribution).toBe(-5);
    expect(score.factors.some((f) => f.code === 'PENDING_REPORTS')).toBe(false);

    const buyer = await registered();
    const transactionId = randomUUID();
    await h.publisher.publish('transaction.rated', { transactionId, raterId: buyer, rateeId: target, rateeRole: 'SELLER', stars: 5, at: new Date().toISOString() });
    await h.publisher.publish('transaction.completed', { transactionId, productId: randomUUID(), buyerId: buyer, sellerId: target, amount: 1000, by: buyer, at: minutesAgo(1) });
    const withTrade = await h.waitForScore(target, (s) => s.factors.some((f) => f.code === 'COMPLETED_TRADES'));
    expect(withTrade.factors.find((f) => f.code === 'COMPLETED_TRADES')?.description).toContain('평균 5.0점');
  });

  it('a poison event goes straight to dead letters with the reason, and a replay of it is listed again', async () => {
    const poison = { id: randomUUID(), type: 'user.verified', occurredAt: new Date().toISOString(), producer: 'user', subjectUserId: null, data: { userId: 'not-a-uuid', method: 'PIGEON' }, schemaVersion: 1 };
    const jobId = await h.publisher.inject(poison);
    const deadLetters = new DeadLetters('safety', { url: h.server.env.REDIS_URL, prefix: h.prefix });
    try {
      const letters = await waitFor(() => deadLetters.list(), (list) => list.some((l) => l.id === jobId), 10_000, 'the dead letter');
      const letter = letters.find((l) => l.id === jobId)!;
      expect(letter.reason).toMatch(/invalid user\.verified data/);
      expect(letter.attempts).toBe(1); // unrecoverable: no retries
      expect(await deadLetters.replay(jobId)).toBe(true);
      await waitFor(() => deadLetters.list(), (list) => list.some((l) => l.id.startsWith(`${jobId}.replay-`)), 10_000, 'the replayed poison to fail again');
    } finally {
      await deadLetters.close();
    }
  });
});

describe('reads', () => {
  it('gives a user with no row the computed starting score, never null or an error', async () => {
    const result = await h.gql(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { safetyScore { value grade version } safetyDisplay { label } safetyHistory { value } } } }`,
      { r: [{ __typename: 'User', id: randomUUID() }, { __typename: 'User', id: 'not-a-uuid' }] },
    );
    expect(result.errors).toBeUndefined();
    for (const entity of result.data!._entities) {
      expect(entity).toEqual({ safetyScore: { value: 50, grade: 'NORMAL', version: 0 }, safetyDisplay: { label: '보통' }, safetyHistory: [] });
    }
  });

  it('shows a listing the seller display with listing hints', async () => {
    const seller = await registered();
    const productId = randomUUID();
    const category = `cat-${hex(3)}`;
    for (let i = 0; i < 5; i++) {
      await h.publisher.publish('product.created', { productId: randomUUID(), sellerId: randomUUID(), title: '자전거', price: 200_000, category, region: null, createdAt: new Date().toISOString() });
    }
    const created = await h.publisher.publish('product.created', { productId, sellerId: seller, title: '거의 새 자전거', price: 50_000, category, region: '서울', createdAt: new Date().toISOString() });
    await waitFor(() => h.server.core.prisma.processedEvent.count({ where: { eventId: created.id } }), (n) => n === 1);
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { sellerSafety { grade label badges hints accessibleText } } } }`;
    const result = await h.gql(query, { r: [{ __typename: 'Product', id: productId }, { __typename: 'Product', id: randomUUID() }] });
    expect(result.errors).toBeUndefined();
    const [known, unknown] = result.data!._entities;
    expect(known.sellerSafety).toMatchObject({ grade: 'NORMAL', badges: ['신규 회원'] });
    expect(known.sellerSafety.hints).toEqual([
      '가입한 지 얼마 안 된 판매자입니다. 선입금 요구에는 응하지 마세요.',
      '판매자가 아직 본인인증을 하지 않았습니다.',
      '비슷한 물건보다 가격이 크게 낮습니다. 너무 싼 물건은 사기일 수 있어요.',
    ]);
    expect(known.sellerSafety.accessibleText).toContain('너무 싼 물건은 사기일 수 있어요');
    expect(unknown.sellerSafety.hints).toEqual(['판매자의 안전 정보를 아직 확인하지 못했습니다. 직접 만나서 물건을 확인한 뒤 결제하세요.']);
  });

  it('tells buyers of a CAUTION-or-worse seller to meet at a safe-trade zone', async () => {
    const seller = await registered();
    const productId = randomUUID();
    await h.publisher.publish('product.created', { productId, sellerId: seller, title: '노트북', price: 900_000, category: `cat-${hex(3)}`, region: '부산', createdAt: new Date().toISOString() });
    const banned = await h.publisher.publish('user.status_changed', { userId: seller, status: 'BANNED', until: null });
    await waitFor(() => h.server.core.prisma.processedEvent.count({ where: { eventId: banned.id } }), (n) => n === 1);
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { sellerSafety { grade hints } } } }`;
    const [ko, en] = await Promise.all([
      h.gql(query, { r: [{ __typename: 'Product', id: productId }] }),
      h.gql(query, { r: [{ __typename: 'Product', id: productId }] }, { lang: 'en' }),
    ]);
    expect(ko.data!._entities[0].sellerSafety.grade).toBe('DANGER');
    expect(ko.data!._entities[0].sellerSafety.hints).toContain('이 판매자와 거래한다면 경찰서 등 안전거래존에서 만나고, 물건을 확인하기 전에는 돈을 보내지 마세요.');
    expect(en.data!._entities[0].sellerSafety.hints.join(' ')).toContain('safe-trade zone');
  });

  it('safetyDashboard and recalculateSafetyScore are for ADMINs only; the recalculation is audited', async () => {
    const userId = await registered();
    const dashboardQuery = `{ safetyDashboard { averageScore usersByGrade { grade count } recentDrops(first: 50) { delta cause user { id } } } }`;
    expect((await h.gql(dashboardQuery)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await h.gql(dashboardQuery, {}, { identity: asUser(userId) })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const dashboard = await h.gql(dashboardQuery, {}, { identity: ADMIN });
    expect(dashboard.errors).toBeUndefined();
    expect(dashboard.data!.safetyDashboard.usersByGrade.map((g: { grade: string }) => g.grade)).toEqual(['VERY_SAFE', 'SAFE', 'NORMAL', 'CAUTION', 'DANGER']);
    expect(dashboard.data!.safetyDashboard.recentDrops.length).toBeGreaterThan(0);
    const drops = dashboard.data!.safetyDashboard.recentDrops.map((d: { delta: number }) => d.delta);
    expect([...drops].sort((a: number, b: number) => a - b)).toEqual(drops);

    const mutation = `mutation($id: ID!) { recalculateSafetyScore(userId: $id) { value grade version } }`;
    const refused = await h.gql(mutation, { id: userId }, { identity: asUser(userId) });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await h.gql(mutation, { id: 'nope' }, { identity: ADMIN })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const before = await h.score(userId);
    const done = await h.gql(mutation, { id: userId }, { identity: ADMIN });
    expect(done.errors).toBeUndefined();
    expect(done.data!.recalculateSafetyScore).toEqual({ value: 50, grade: 'NORMAL', version: before.version + 1 });
    expect((await h.score(userId)).version).toBe(before.version + 1); // the cache was written through
    const audit = await h.server.core.prisma.auditLog.findMany({ where: { subjectId: userId }, select: { actorId: true, action: true } });
    expect(audit).toEqual([{ actorId: ADMIN.userId, action: 'safety.recalculate' }]);
  });
});

describe('cache', () => {
  it('never lets an older score overwrite a newer one (a slow read filling the cache after a recalculation)', async () => {
    const userId = await registered();
    await h.publisher.publish('user.verified', { userId, method: 'EMAIL', verifiedAt: new Date().toISOString() });
    const newer = await h.waitForScore(userId, (s) => s.value === 55);
    const cache = h.server.core.cache;
    const [stored] = await h.server.core.scores.findByIds([userId]);
    await cache.fill([{ ...stored!, value: 50, version: newer.version - 1 }]);
    await cache.publish([{ ...stored!, value: 50, version: newer.version - 1 }]);
    expect(JSON.parse((await h.redis.get(scoreCacheKey(userId)))!)).toMatchObject({ value: 55, version: newer.version });
    await h.redis.del(scoreCacheKey(userId));
    expect(await h.score(userId)).toMatchObject({ value: 55, version: newer.version }); // read-through refills it
    await waitFor(() => h.redis.get(scoreCacheKey(userId)), (v) => v !== null, 5_000, 'the cache fill');
  });
});

describe('nightly batch', () => {
  it('rewrites only users whose score changed, set-based, and records notable changes', async () => {
    const userId = await registered();
    await h.publisher.publish('monitor.risk_detected', { userId, level: 'MEDIUM', rule: 'NEW_DEVICE', alertId: randomUUID(), detectedAt: minutesAgo(1), expiresAt: iso(Date.now() + 60 * 60_000) });
    const risky = await h.waitForScore(userId, (s) => s.value === 40);
    // Two hours later the signal has expired: the batch gives the points back.
    const { recalculateEveryone } = await import('../src/jobs/nightly-batch.ts');
    const result = await recalculateEveryone(h.server.core, { batchSize: 200, now: new Date(Date.now() + 2 * 3_600_000) });
    expect(result.users).toBeGreaterThan(1);
    expect(result.written).toBeLessThanOrEqual(result.users);
    const after = await h.score(userId);
    expect(after).toMatchObject({ value: 50, grade: 'NORMAL', version: risky.version + 1 });
    expect((await history(userId))[0]).toMatchObject({ cause: 'batch.nightly', delta: 10 });
    // Nothing changed since: a second run writes nobody.
    const again = await recalculateEveryone(h.server.core, { batchSize: 200, now: new Date(Date.now() + 2 * 3_600_000) });
    expect(again.written).toBe(0);
  });
});

describe('mySafetyScore over graphql-ws', () => {
  it('pushes each recalculation of the signed-in user', async () => {
    const userId = await registered();
    const wsUrl = h.url.replace(/^http/, 'ws');
    const requestId = randomUUID();
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      connectionParams: { headers: signIdentityHeaders(h.secrets.INTERNAL_SECRET, null, connectionTarget('safety'), requestId) },
    });
    const query = 'subscription { mySafetyScore { value grade version } }';
    const extensions = { [IDENTITY_EXTENSION]: signIdentityHeaders(h.secrets.INTERNAL_SECRET, asUser(userId), subscribeTarget('safety', query, undefined), requestId) };
    const received: Array<{ value: number; grade: string; version: number }> = [];
    const done = new Promise<void>((resolve, reject) => {
      client.subscribe<{ mySafetyScore: { value: number; grade: string; version: number } }>(
        { query, extensions },
        {
          next: (message) => {
            if (message.data) received.push(message.data.mySafetyScore);
            if (received.length === 2) resolve();
          },
          error: reject,
          complete: () => undefined,
        },
      );
    });
    try {
      const channel = channelName({ prefix: h.prefix }, scoreChannel(userId));
      await waitFor(async () => (await h.redis.pubsub('NUMSUB', channel)) as [string, number], ([, n]) => Number(n) > 0, 10_000, 'the subscription');
      await h.publisher.publish('user.verified', { userId, method: 'EMAIL', verifiedAt: new Date().toISOString() });
      await h.waitForScore(userId, (s) => s.value === 55);
      await h.gql(`mutation($id: ID!) { recalculateSafetyScore(userId: $id) { version } }`, { id: userId }, { identity: ADMIN });
      await done;
      expect(received.map((r) => r.value)).toEqual([55, 55]);
      expect(received[1]!.version).toBe(received[0]!.version + 1);
    } finally {
      await client.dispose();
    }
  });

  it('refuses forged identity (4403) and anonymous subscribers (UNAUTHENTICATED)', async () => {
    const wsUrl = h.url.replace(/^http/, 'ws');
    const forged = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { headers: { 'x-anshim-user': `${randomUUID()};ADMIN`, 'x-anshim-timestamp': String(Date.now()), 'x-anshim-signature': 'forged' } },
    });
    const closed = await new Promise<unknown>((resolve) => {
      forged.subscribe({ query: 'subscription { mySafetyScore { value } }' }, { next: () => undefined, error: resolve, complete: () => resolve('completed') });
    });
    expect((closed as { code?: number }).code).toBe(4403);
    await forged.dispose();

    // Unsigned: refused at the connection, as everything unsigned is.
    const unsigned = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    const refused = await new Promise<unknown>((resolve) => {
      unsigned.subscribe({ query: 'subscription { mySafetyScore { value } }' }, { next: () => undefined, error: resolve, complete: () => resolve('completed') });
    });
    expect((refused as { code?: number }).code).toBe(4403);
    await unsigned.dispose();

    // Signed as anonymous by the gateway: the field itself asks for a signed-in member.
    const query = 'subscription { mySafetyScore { value } }';
    const anonymous = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { headers: signIdentityHeaders(h.secrets.INTERNAL_SECRET, null, connectionTarget('safety'), randomUUID()) },
    });
    const extensions = { [IDENTITY_EXTENSION]: signIdentityHeaders(h.secrets.INTERNAL_SECRET, null, subscribeTarget('safety', query, undefined), randomUUID()) };
    const first = await new Promise<unknown>((resolve) => {
      anonymous.subscribe({ query, extensions }, { next: resolve, error: resolve, complete: () => resolve('completed') });
    });
    expect((first as { errors?: Array<{ extensions?: { code?: string } }> }).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await anonymous.dispose();
  });
});
