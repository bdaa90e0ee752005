// kill -9 of the safety worker while 1,000 events are in flight, then a restart: every event is
// applied exactly once (processed-event records, projection rows and one score version per
// recalculation: no duplicate, none missing), and the cached scores readers see match PostgreSQL.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import type pg from 'pg';
import { Redis } from 'ioredis';
import { consumerQueueName, createQueueConnection, queuePrefix, type EventEnvelope } from '@anshim/platform';
import type { EventType } from '@anshim/contracts';
import { TestEventPublisher } from '../../subgraphs/safety/test/support/event-publisher.ts';
import { FaultStack } from './support/fault-stack.ts';
import { waitUntil } from './support/free-port.ts';
import { count, serviceSql } from './support/sql.ts';

const EVENTS = 1_000;
const USERS = 50;
const LOCK_MS = 4_000;

let stack: FaultStack;
let publisher: TestEventPublisher;
let sql: pg.Pool;
let redis: Redis;
beforeAll(async () => {
  stack = new FaultStack({
    subgraphs: [],
    workers: ['safety'],
    gateway: false,
    env: { SAFETY_NIGHTLY_ENABLED: 'false', SAFETY_EVENT_LOCK_MS: String(LOCK_MS) },
  });
  await stack.up();
  publisher = await new TestEventPublisher(stack.databaseUrl, { url: stack.redis.url, prefix: stack.env.REDIS_PREFIX! }).start();
  sql = serviceSql(stack.databaseUrl, 'safety');
  redis = new Redis(stack.redis.url, { keyPrefix: `${stack.env.REDIS_PREFIX}:` });
});
afterAll(async () => {
  await publisher?.stop();
  await sql?.end();
  redis?.disconnect();
  await stack?.stop();
});

describe('the safety worker killed with -9 mid-stream', () => {
  it('applies every one of 1,000 events exactly once after a restart', async () => {
    const users = Array.from({ length: USERS }, () => randomUUID());
    const expectedVersion = new Map(users.map((u) => [u, 0]));
    const published: Array<EventEnvelope<EventType>> = [];
    let trades = 0;
    let reports = 0;
    const reported = new Set<string>();
    const reporter = { verifiedMethods: ['SMS' as const], accountAgeDays: 365, tradedWithTarget: true };
    const at = new Date(Date.now() - 3_600_000).toISOString();
    // The worker keeps pace with events published one by one: stopped while they are queued, it
    // then starts with all 1,000 waiting, so the kill below lands mid-stream however fast it is.
    await stack.process('safety-worker').stop();
    for (let i = 0; i < EVENTS; i++) {
      const seller = users[i % USERS]!;
      const buyer = users[(i * 7 + 3) % USERS]!;
      if (i % 3 === 2) {
        reports++;
        // A report that moves nothing stores no new version (it must not tell its target it
        // exists). Each seller always has the same reporter here, a credible one: their first
        // report moves the score, the repeats do not.
        if (!reported.has(seller)) expectedVersion.set(seller, expectedVersion.get(seller)! + 1);
        reported.add(seller);
        published.push(await publisher.publish('report.filed', { reportId: randomUUID(), reporterId: buyer, targetUserId: seller, type: 'NO_SHOW', priority: 'NORMAL', productId: null, transactionId: null, filedAt: at, reporter }));
      } else {
        trades++;
        // buyer === seller never happens: 7i + 3 ≡ i (mod 50) has no solution.
        for (const u of [buyer, seller]) expectedVersion.set(u, expectedVersion.get(u)! + 1);
        published.push(await publisher.publish('transaction.completed', { transactionId: randomUUID(), productId: randomUUID(), buyerId: buyer, sellerId: seller, amount: 10_000, by: buyer, at }));
      }
    }

    await stack.startWorker('safety');
    // Kill while the worker is busy: some events done, some taken but unfinished, the rest waiting.
    const processedAtKill = await waitUntil(() => count(sql, 'SELECT count(*) AS n FROM processed_events'), (n) => n >= 150, 60_000, 'the worker to get going', 10);
    stack.process('safety-worker').child.kill('SIGKILL');
    await stack.process('safety-worker').stop();
    const connection = createQueueConnection({ url: stack.redis.url, prefix: stack.env.REDIS_PREFIX! });
    const queue = new Queue(consumerQueueName('safety'), { connection, prefix: queuePrefix({ url: stack.redis.url, prefix: stack.env.REDIS_PREFIX! }, consumerQueueName('safety')) });
    try {
      const counts = await queue.getJobCounts('active', 'waiting', 'prioritized', 'completed');
      const stillQueued = counts.active! + counts.waiting! + counts.prioritized!;
      expect(processedAtKill, 'killed mid-stream, not after the end').toBeLessThan(EVENTS);
      expect(stillQueued, `jobs left at kill: ${JSON.stringify(counts)}`).toBeGreaterThan(0);

      await stack.startWorker('safety');
      await waitUntil(() => count(sql, 'SELECT count(*) AS n FROM processed_events'), (n) => n >= EVENTS, 120_000, `all ${EVENTS} events processed`, 200);
      // Settle: nothing may be applied a second time after the last first application.
      await waitUntil(() => queue.getJobCounts('active', 'waiting', 'prioritized', 'delayed'), (c) => Object.values(c).every((n) => n === 0), 30_000, 'an empty queue');
      expect(await queue.getFailedCount()).toBe(0);
      expect(await new Queue(`${consumerQueueName('safety')}.dead`, { connection, prefix: queuePrefix({ url: stack.redis.url, prefix: stack.env.REDIS_PREFIX! }, `${consumerQueueName('safety')}.dead`) }).getWaitingCount()).toBe(0);
    } finally {
      await queue.close();
      connection.disconnect();
    }

    // None missing, none twice.
    const processed = await sql.query<{ id: string }>(`SELECT event_id::text AS id FROM processed_events WHERE consumer = 'safety'`);
    expect(new Set(processed.rows.map((r) => r.id))).toEqual(new Set(published.map((e) => e.id)));
    expect(await count(sql, 'SELECT count(*) AS n FROM trade_facts')).toBe(trades * 2);
    expect(await count(sql, 'SELECT count(*) AS n FROM report_facts')).toBe(reports);
    // Every event recalculated its users once: the version counts recalculations.
    const versions = await sql.query<{ user_id: string; version: number }>('SELECT user_id::text, version FROM safety_scores');
    expect(Object.fromEntries(versions.rows.map((r) => [r.user_id, r.version]))).toEqual(Object.fromEntries(expectedVersion));
    const twice = await sql.query('SELECT cause_event_id, user_id, count(*) FROM safety_score_changes WHERE cause_event_id IS NOT NULL GROUP BY 1, 2 HAVING count(*) > 1');
    expect(twice.rows).toEqual([]);

    // What readers get from the cache is what PostgreSQL holds (no write-through lost in the crash).
    const cached = await redis.mget(...users.map((u) => `safety:score:${u}`));
    const stale = users.filter((u, i) => {
      const entry = cached[i] ? (JSON.parse(cached[i]!) as { version: number }) : undefined;
      return entry !== undefined && entry.version !== expectedVersion.get(u);
    });
    expect(stale, 'users whose cached score is not the stored one').toEqual([]);
  });
});
