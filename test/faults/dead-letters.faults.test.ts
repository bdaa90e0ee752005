// Poison and duplicates, against real processes: an event that can never be valid lands in safety's
// dead letters at once with its reason; one that fails because of a fault (a table gone after a bad
// deploy) lands there after its retries, and the operator's CLI replays it once the fault is fixed;
// a duplicate delivery (a redelivered job, or the relay publishing a sent row again) changes nothing.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import type pg from 'pg';
import { consumerQueueName, createQueueConnection, DeadLetters, queuePrefix } from '@anshim/platform';
import { graphql } from '../support/stack.ts';
import { TestEventPublisher } from '../../subgraphs/safety/test/support/event-publisher.ts';
import { runCli } from './support/cli.ts';
import { FaultStack } from './support/fault-stack.ts';
import { waitUntil } from './support/free-port.ts';
import { count, serviceSql } from './support/sql.ts';

const DEAD_LETTERS_CLI = 'scripts/dead-letters.ts'; // npm run dead-letters

let stack: FaultStack;
let publisher: TestEventPublisher;
let sql: pg.Pool;
let queue: Queue;
let connection: ReturnType<typeof createQueueConnection>;
let cliEnv: Record<string, string>;
let deadLetters: DeadLetters;
beforeAll(async () => {
  stack = new FaultStack({
    subgraphs: ['user', 'safety'],
    workers: ['safety'],
    env: { SAFETY_NIGHTLY_ENABLED: 'false', SAFETY_EVENT_ATTEMPTS: '3' },
  });
  await stack.up();
  const redis = { url: stack.redis.url, prefix: stack.env.REDIS_PREFIX! };
  publisher = await new TestEventPublisher(stack.databaseUrl, redis).start();
  sql = serviceSql(stack.databaseUrl, 'safety');
  connection = createQueueConnection(redis);
  queue = new Queue(consumerQueueName('safety'), { connection, prefix: queuePrefix(redis, consumerQueueName('safety')) });
  deadLetters = new DeadLetters('safety', redis);
  cliEnv = { DATABASE_URL: stack.databaseUrl, REDIS_URL: stack.redis.url, REDIS_PREFIX: stack.env.REDIS_PREFIX!, INTERNAL_SECRET: stack.env.INTERNAL_SECRET!, JWT_SECRET: stack.env.JWT_SECRET!, DATA_ENCRYPTION_KEY: stack.env.DATA_ENCRYPTION_KEY! };
});
afterAll(async () => {
  await publisher?.stop();
  await queue?.close();
  await deadLetters?.close();
  connection?.disconnect();
  await sql?.end();
  await stack?.stop();
});

interface Score {
  version: number;
  value: number;
  factors: Array<{ code: string }>;
}

async function register(): Promise<string> {
  const result = await graphql<{ register: { user: { id: string } } }>(stack.gatewayUrl, 'mutation($i: RegisterInput!) { register(input: $i) { user { id } } }', {
    i: { email: `dl.${randomBytes(5).toString('hex')}@example.com`, password: 'correct horse battery', nickname: '안심이' },
  });
  expect(result.body.errors).toBeUndefined();
  return result.body.data!.register.user.id;
}

async function scoreOf(userId: string): Promise<Score> {
  const result = await graphql<{ user: { safetyScore: Score } }>(stack.gatewayUrl, 'query($id: ID!) { user(id: $id) { safetyScore { version value factors { code } } } }', { id: userId });
  if (result.body.errors) throw new Error(JSON.stringify(result.body.errors));
  return result.body.data!.user.safetyScore;
}

interface ListedLetter {
  id: string;
  type: string;
  eventId?: string;
  attempts: number;
  reason: string;
}

/** Polled in-process (a CLI start costs seconds); the operator's CLI is run where it matters. */
const deadLetterIds = async () => new Map((await deadLetters.list({ limit: 1000 })).map((l) => [(l.envelope as { id?: string }).id, l.id]));

async function listDeadLetters(): Promise<ListedLetter[]> {
  const listed = await runCli(DEAD_LETTERS_CLI, ['list', '--service', 'safety'], cliEnv);
  expect(listed.code, listed.stderr).toBe(0);
  return listed.stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as ListedLetter);
}

const finished = (jobId: string) =>
  waitUntil(() => queue.getJob(jobId), (job) => job?.finishedOn !== undefined, 20_000, `job ${jobId} to finish`);

describe('dead letters', () => {
  it('an event that can never be valid goes to dead letters at once, with the reason', async () => {
    const eventId = randomUUID();
    const poison = { id: eventId, type: 'transaction.completed', occurredAt: new Date().toISOString(), producer: 'transaction', subjectUserId: null, data: { transactionId: randomUUID(), amount: 'lots' }, schemaVersion: 1 };
    await publisher.inject(poison, `poison-${eventId}`);
    await waitUntil(deadLetterIds, (ids) => ids.has(eventId), 20_000, 'the poison in dead letters');
    const letters = await listDeadLetters();
    const letter = letters.find((x) => x.eventId === eventId)!;
    expect(letter).toMatchObject({ type: 'transaction.completed', attempts: 1 });
    expect(letter.reason).toMatch(/buyerId|amount/);
    expect(await count(sql, 'SELECT count(*) AS n FROM processed_events WHERE event_id = $1::uuid', eventId)).toBe(0);
    // Replaying poison as it is only puts it back: it never takes effect, it is dead-lettered again.
    const replayed = await runCli(DEAD_LETTERS_CLI, ['replay', letter.id, '--service', 'safety'], cliEnv);
    expect(replayed.code, replayed.stderr).toBe(0);
    await waitUntil(deadLetterIds, (ids) => ids.has(eventId) && ids.get(eventId) !== letter.id, 20_000, 'the poison back in dead letters');
    expect(await count(sql, 'SELECT count(*) AS n FROM processed_events WHERE event_id = $1::uuid', eventId)).toBe(0);
  });

  it('an event failing on a fault is dead-lettered after its retries and replayed once the fault is fixed', async () => {
    const userId = await register();
    const before = await waitUntil(() => scoreOf(userId), (s) => s.version >= 1, 20_000, 'the first score');
    // A bad deploy: the table the handler writes to is gone.
    await sql.query('ALTER TABLE risk_signals RENAME TO risk_signals_moved');
    let fixed = false;
    try {
      const event = await publisher.publish('monitor.risk_detected', { userId, level: 'HIGH', rule: 'OFF_PLATFORM_PAYMENT_REQUEST', alertId: randomUUID(), detectedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
      await waitUntil(deadLetterIds, (ids) => ids.has(event.id), 40_000, 'the failed event in dead letters');
      const letters = await listDeadLetters();
      const letter = letters.find((x) => x.eventId === event.id)!;
      expect(letter.attempts).toBe(3);
      expect(letter.reason).toContain('risk_signals');
      expect(await scoreOf(userId)).toMatchObject({ version: before.version });

      await sql.query('ALTER TABLE risk_signals_moved RENAME TO risk_signals');
      fixed = true;
      const replayed = await runCli(DEAD_LETTERS_CLI, ['replay', letter.id, '--service', 'safety'], cliEnv);
      expect(replayed.stdout).toContain(`replayed ${letter.id}`);
      // Read anonymously: the risk signal shows as the one "under review" factor (only the member and ADMINs see it by name).
      const after = await waitUntil(() => scoreOf(userId), (s) => s.factors.some((f) => f.code === 'UNDER_REVIEW'), 20_000, 'the replayed risk signal');
      expect(after.version).toBe(before.version + 1);
      expect(after.value).toBeLessThan(before.value);
      expect((await deadLetterIds()).has(event.id)).toBe(false);
      expect(await count(sql, 'SELECT count(*) AS n FROM processed_events WHERE event_id = $1::uuid', event.id)).toBe(1);
    } finally {
      if (!fixed) await sql.query('ALTER TABLE IF EXISTS risk_signals_moved RENAME TO risk_signals');
    }
  });
});

describe('duplicate delivery', () => {
  it('a redelivered event, or an outbox row published again, changes nothing', async () => {
    const userId = await register();
    await waitUntil(() => scoreOf(userId), (s) => s.version >= 1, 20_000, 'the first score');
    const event = await publisher.publish('user.verified', { userId, method: 'SMS', verifiedAt: new Date().toISOString() });
    const applied = await waitUntil(() => scoreOf(userId), (s) => s.factors.some((f) => f.code === 'PHONE_VERIFIED'), 20_000, 'the verification');
    const history = () => count(sql, 'SELECT count(*) AS n FROM safety_score_changes WHERE user_id = $1::uuid', userId);
    const historyBefore = await history();

    // The broker delivers it again under a new job id (e.g. a replay after a crash).
    const jobId = await publisher.inject(event, `redelivery-${event.id}`);
    expect((await finished(jobId))!.returnvalue).toBe('duplicate');
    // The relay crashed after enqueueing but before marking the row sent: it publishes it again.
    const republished = await publisher.republishAll();
    expect(republished).toBeGreaterThan(0);
    await waitUntil(() => queue.getJobCounts('waiting', 'active', 'prioritized'), (c) => Object.values(c).every((n) => n === 0), 20_000, 'an idle queue');

    expect(await scoreOf(userId)).toEqual(applied);
    expect(await history()).toBe(historyBefore);
    expect(await count(sql, 'SELECT count(*) AS n FROM processed_events WHERE event_id = $1::uuid', event.id)).toBe(1);
  });
});
