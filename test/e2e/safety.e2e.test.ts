// The safety score through the gateway, against real processes (user + safety subgraphs, the
// safety worker, the gateway). Events of services not running here (transaction, report, monitor)
// are published through the platform's real outbox and relay, as those services will.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { channelName, createLogger, createRedis, type Redis } from '@anshim/platform';
import { loadSafetyEnv } from '../../subgraphs/safety/src/env.ts';
import { buildSafetyCore } from '../../subgraphs/safety/src/safety-core.ts';
import { rebuildProjection } from '../../subgraphs/safety/src/jobs/rebuild.ts';
import { graphql, startStack, type Stack } from '../support/stack.ts';
import { TestEventPublisher } from '../../subgraphs/safety/test/support/event-publisher.ts';
import { waitFor } from '../../subgraphs/safety/test/support/harness.ts';
import { devMessages } from '../support/dev-messages.ts';

const adminEmail = `admin-${randomBytes(4).toString('hex')}@anshim.test`;
const adminPassword = 'admin-password-1234';

let stack: Stack;
let publisher: TestEventPublisher;
let redis: Redis;
beforeAll(async () => {
  stack = await startStack({
    subgraphs: ['user', 'safety'],
    workers: ['safety'],
    env: { BOOTSTRAP_ADMIN_EMAIL: adminEmail, BOOTSTRAP_ADMIN_PASSWORD: adminPassword, SAFETY_NIGHTLY_ENABLED: 'false' },
  });
  publisher = await new TestEventPublisher(inject('databaseUrl'), { url: inject('redisUrl'), prefix: stack.env.REDIS_PREFIX! }).start();
  redis = createRedis({ url: inject('redisUrl'), prefix: stack.env.REDIS_PREFIX! });
}, 300_000);
afterAll(async () => {
  await publisher?.stop();
  redis?.disconnect();
  await stack?.stop();
});

interface Score {
  value: number;
  grade: string;
  version: number;
  factors: Array<{ code: string; contribution: number; description: string }>;
}

const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }`;
const SCORE_OF = `query($id: ID!) { user(id: $id) { safetyScore { value grade version factors { code contribution description } } } }`;

async function register(nickname = '안심이'): Promise<{ id: string; token: string; email: string }> {
  const email = `safety.${randomBytes(5).toString('hex')}@example.com`;
  const result = await graphql<{ register: { accessToken: string; user: { id: string } } }>(stack.gatewayUrl, REGISTER, {
    input: { email, password: 'correct horse battery', nickname },
  });
  expect(result.body.errors).toBeUndefined();
  return { id: result.body.data!.register.user.id, token: result.body.data!.register.accessToken, email };
}

async function scoreOf(userId: string, lang?: string, token?: string): Promise<Score> {
  const headers: Record<string, string> = { ...(lang ? { 'accept-language': lang } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const result = await graphql<{ user: { safetyScore: Score } }>(stack.gatewayUrl, SCORE_OF, { id: userId }, headers);
  if (result.body.errors) throw new Error(JSON.stringify(result.body.errors));
  return result.body.data!.user.safetyScore;
}

const waitForScore = (userId: string, accept: (s: Score) => boolean, what: string) => waitFor(() => scoreOf(userId), accept, 15_000, what);

async function adminToken(): Promise<string> {
  const result = await graphql<{ login: { accessToken: string } }>(stack.gatewayUrl, `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`, { e: adminEmail, p: adminPassword });
  expect(result.body.errors).toBeUndefined();
  return result.body.data!.login.accessToken;
}

describe('the safety score through the gateway', () => {
  it('a new user is NORMAL with factors; verifying the email raises it; history shows each step', async () => {
    const user = await register();
    const first = await waitForScore(user.id, (s) => s.version >= 1, 'the first score');
    expect(first.grade).toBe('NORMAL');
    expect(first.factors.map((f) => f.code)).toEqual(expect.arrayContaining(['BASE', 'NOT_VERIFIED']));
    const auth = { authorization: `Bearer ${user.token}` };

    const challenge = await graphql<{ requestVerification: { id: string } }>(stack.gatewayUrl, 'mutation { requestVerification(method: EMAIL) { id } }', {}, auth);
    expect(challenge.body.errors).toBeUndefined();
    const sent = { messages: await devMessages(stack.operationsUrls.user!, user.email) };
    const code = /\b(\d{6})\b/.exec(sent.messages[0]!.text)?.[1];
    const confirmed = await graphql(stack.gatewayUrl, 'mutation($id: ID!, $code: String!) { confirmVerification(challengeId: $id, code: $code) { id } }', { id: challenge.body.data!.requestVerification.id, code }, auth);
    expect(confirmed.body.errors).toBeUndefined();

    const verified = await waitForScore(user.id, (s) => s.factors.some((f) => f.code === 'EMAIL_VERIFIED'), 'the email verification');
    expect(verified.value).toBeGreaterThan(first.value);

    const me = await graphql<{ me: { safetyDisplay: { label: string; message: string }; safetyHistory: Array<{ cause: string; delta: number; reason: string }> } }>(
      stack.gatewayUrl, '{ me { safetyDisplay { label message } safetyHistory(first: 10) { cause delta reason } } }', {}, { ...auth, 'accept-language': 'en' },
    );
    expect(me.body.errors).toBeUndefined();
    const causes = me.body.data!.me.safetyHistory.map((c) => c.cause);
    expect(causes.at(-1)).toBe('user.registered');
    expect(causes).toContain('user.verified');
    expect(me.body.data!.me.safetyHistory.find((c) => c.cause === 'user.verified')?.reason).toBe('Email address verified.');
    expect(me.body.data!.me.safetyDisplay.label).toMatch(/^(Normal|Safe)$/);
  });

  it('a completed trade with a 5-star rating raises the seller', async () => {
    const [seller, buyer] = [await register('판매자'), await register('구매자')];
    const before = await waitForScore(seller.id, (s) => s.version >= 1, 'the seller score');
    const transactionId = randomUUID();
    await publisher.publish('transaction.completed', { transactionId, productId: randomUUID(), buyerId: buyer.id, sellerId: seller.id, amount: 25_000, by: buyer.id, at: new Date().toISOString() });
    await publisher.publish('transaction.rated', { transactionId, raterId: buyer.id, rateeId: seller.id, rateeRole: 'SELLER', stars: 5, at: new Date().toISOString() });
    const after = await waitForScore(seller.id, (s) => (s.factors.find((f) => f.code === 'COMPLETED_TRADES')?.description ?? '').includes('5.0'), 'the rated trade');
    expect(after.value).toBeGreaterThan(before.value);
  });

  it('an accepted FRAUD report with a BAN makes the target DANGER within seconds', async () => {
    const target = await register('의심');
    await waitForScore(target.id, (s) => s.version >= 1, 'the target score');
    const reportId = randomUUID();
    const reporterId = randomUUID();
    const filedAt = new Date(Date.now() - 3_600_000).toISOString();
    const started = Date.now();
    await publisher.publish('report.processed', { reportId, reporterId, targetUserId: target.id, type: 'FRAUD', decision: 'ACCEPT', sanction: 'BAN', filedAt, processedAt: new Date().toISOString() });
    await publisher.publish('report.sanction_applied', { reportId, userId: target.id, sanction: 'BAN', reason: '사기 확인', startsAt: new Date().toISOString(), endsAt: null });
    const banned = await waitForScore(target.id, (s) => s.factors.some((f) => f.code === 'BAN_CAP'), 'the ban');
    expect(banned.grade).toBe('DANGER');
    expect(Date.now() - started).toBeLessThan(5_000);
    const display = await graphql<{ user: { safetyDisplay: { grade: string; label: string; accessibleText: string } } }>(stack.gatewayUrl, `query($id: ID!) { user(id: $id) { safetyDisplay { grade label accessibleText } } }`, { id: target.id });
    expect(display.body.data!.user.safetyDisplay).toMatchObject({ grade: 'DANGER', label: '위험' });
  });

  it('CRITICAL risk caps the score at DANGER until cleared', async () => {
    const user = await register();
    await waitForScore(user.id, (s) => s.version >= 1, 'the score');
    await publisher.publish('monitor.risk_detected', { userId: user.id, level: 'CRITICAL', rule: 'OFF_PLATFORM_PAYMENT_REQUEST', alertId: randomUUID(), detectedAt: new Date(Date.now() - 60_000).toISOString(), expiresAt: null });
    await waitForScore(user.id, (s) => s.grade === 'DANGER', 'the critical risk');
    // Only the member themself (and ADMINs) see the risk by name.
    expect((await scoreOf(user.id, undefined, user.token)).factors.at(-1)?.code).toBe('RISK_CRITICAL_CAP');
    await publisher.publish('monitor.risk_cleared', { userId: user.id, clearedAt: new Date().toISOString(), by: null });
    await waitForScore(user.id, (s) => s.grade === 'NORMAL', 'the clearance');
  });

  it('ADMIN sees the dashboard and recalculates synchronously; others are refused', async () => {
    const user = await register();
    await waitForScore(user.id, (s) => s.version >= 1, 'the score');
    const admin = { authorization: `Bearer ${await adminToken()}` };
    const refused = await graphql(stack.gatewayUrl, '{ safetyDashboard { averageScore } }', {}, { authorization: `Bearer ${user.token}` });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const dashboard = await graphql<{ safetyDashboard: { averageScore: number; usersByGrade: Array<{ grade: string; count: number }> } }>(
      stack.gatewayUrl, '{ safetyDashboard { averageScore usersByGrade { grade count } recentDrops { delta cause user { id } } } }', {}, admin,
    );
    expect(dashboard.body.errors).toBeUndefined();
    expect(dashboard.body.data!.safetyDashboard.usersByGrade.reduce((n, g) => n + g.count, 0)).toBeGreaterThan(0);
    const before = await scoreOf(user.id);
    const recalculated = await graphql<{ recalculateSafetyScore: { version: number } }>(stack.gatewayUrl, 'mutation($id: ID!) { recalculateSafetyScore(userId: $id) { version } }', { id: user.id }, admin);
    expect(recalculated.body.errors).toBeUndefined();
    expect(recalculated.body.data!.recalculateSafetyScore.version).toBe(before.version + 1);
  });

  it('mySafetyScore through the gateway (graphql-ws on /graphql) pushes each change', async () => {
    const user = await register();
    await waitForScore(user.id, (s) => s.version >= 1, 'the score');
    const client = createClient({
      url: stack.gatewayUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${user.token}` },
    });
    const pushed: Array<{ grade: string }> = [];
    const gotDanger = new Promise<void>((resolve, reject) => {
      client.subscribe<{ mySafetyScore: { grade: string } }>({ query: 'subscription { mySafetyScore { grade } }' }, {
        next: (m) => {
          if (m.data) pushed.push(m.data.mySafetyScore);
          if (m.data?.mySafetyScore.grade === 'DANGER') resolve();
        },
        error: reject,
        complete: () => undefined,
      });
    });
    try {
      const channel = channelName({ prefix: stack.env.REDIS_PREFIX! }, `safety.score.${user.id}`);
      await waitFor(async () => (await redis.pubsub('NUMSUB', channel)) as [string, number], ([, n]) => Number(n) > 0, 10_000, 'the subscription');
      await publisher.publish('user.status_changed', { userId: user.id, status: 'BANNED', until: null });
      await gotDanger;
      expect(pushed.at(-1)).toEqual({ grade: 'DANGER' });
    } finally {
      await client.dispose();
    }
  });

  it('the rebuild command refills a damaged projection from the user subgraph', async () => {
    const user = await register();
    await waitForScore(user.id, (s) => s.version >= 1, 'the score');
    const env = loadSafetyEnv({ DATABASE_URL: inject('databaseUrl'), REDIS_URL: inject('redisUrl'), REDIS_PREFIX: stack.env.REDIS_PREFIX!, NODE_ENV: 'test', LOG_LEVEL: 'silent' }, 'rebuild-test');
    const core = buildSafetyCore(env, createLogger('rebuild-test', 'silent'));
    try {
      // As if events had been lost: the projection forgets the account's age and status.
      await core.sql.$executeRawUnsafe(`UPDATE user_inputs SET registered_at = NULL, status = 'BANNED' WHERE user_id = $1::uuid`, user.id);
      await core.published(await core.sql.$transaction((tx) => core.recalculator.recalculate(tx, [user.id], { type: 'test.damage', eventId: null }, { mode: 'always' })));
      expect((await scoreOf(user.id)).grade).toBe('DANGER');
      const result = await rebuildProjection(core, { sources: { user: stack.subgraphUrls.user! }, internalSecret: env.INTERNAL_SECRET, userId: user.id });
      expect(result).toEqual({ rebuilt: 1, missing: [] });
      const rows = await core.sql.$queryRawUnsafe<Array<{ status: string; registered: boolean }>>(`SELECT status::text, registered_at IS NOT NULL AS registered FROM user_inputs WHERE user_id = $1::uuid`, user.id);
      expect(rows).toEqual([{ status: 'ACTIVE', registered: true }]);
      const score = await scoreOf(user.id);
      expect(score.grade).toBe('NORMAL');
      const history = await graphql<{ user: { safetyHistory: Array<{ cause: string }> } }>(stack.gatewayUrl, 'query($id: ID!) { user(id: $id) { safetyHistory(first: 1) { cause } } }', { id: user.id });
      expect(history.body.data!.user.safetyHistory[0]?.cause).toBe('admin.rebuild');
    } finally {
      await core.close();
    }
  });
});
