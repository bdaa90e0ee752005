// Outages are waited out, not dropped: retries are bounded by a time window (exponential, jittered,
// capped per delay), and a dependency outage pauses the queue through its breaker without spending
// the job's tries. Real Redis, BullMQ and PostgreSQL; the window and pauses are shrunk to fit a test.
import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import pg from 'pg';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import {
  DeadLetters,
  EventConsumer,
  installQueueMetrics,
  isDependencyFailure,
  OutboxRelay,
  recordEvent,
  retryDelayMs,
  UNBOUNDED_ATTEMPTS,
  configureRetrySchedule,
  DEFAULT_RETRY_SCHEDULE,
  type EventConsumerOptions,
  type SqlExecutor,
} from '../../src/events/index.ts';
import { defineJob } from '../../src/kit/define-job.ts';
import { DependencyUnavailableError } from '../../src/resilience.ts';
import { EventBusTestEnvironment, waitFor, type Scenario } from './event-bus-fixture.ts';
import '../../../../test/support/provided-context.ts';

const environment = new EventBusTestEnvironment();
beforeAll(() => environment.setUp());
afterEach(() => environment.disposeLeftovers());
afterAll(() => environment.tearDown());

/** Every log line at info and above, to count the breaker's open/close lines. */
function loggedLines() {
  const lines: Array<{ msg: string; queue?: string }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as { msg: string });
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

function safetyConsumer(s: Scenario, handlers: EventConsumerOptions<'safety', SqlExecutor>['handlers'], options: Partial<EventConsumerOptions<'safety', SqlExecutor>> = {}) {
  const created = new EventConsumer({ service: 'safety', prisma: s.db, redis: s.redis, logger: s.logger, handlers, ...options });
  return s.track(created, (c) => c.close());
}

async function publishVerified(s: Scenario, retry: { attempts?: number; backoffMs?: number }) {
  const userId = randomUUID();
  const data = { userId, method: 'SMS' as const, verifiedAt: new Date().toISOString() };
  const event = await s.db.$transaction((tx) => recordEvent(tx, { type: 'user.verified', producer: 'user', subjectUserId: userId, data }));
  const relay = s.track(new OutboxRelay({ prisma: s.db, service: 'user', redis: s.redis, logger: s.logger, pollIntervalMs: 60_000, retry }), (r) => r.stop());
  await relay.publishPending();
  return event;
}

async function metricValue(registry: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const value = (metric?.values as Array<{ labels: Record<string, string | number>; value: number }> | undefined)?.find((v) =>
    Object.entries(labels).every(([k, l]) => v.labels[k] === l),
  );
  return value?.value;
}

describe('retry schedule', () => {
  it('doubles from the first delay, jitters upwards by at most 20 %, and never exceeds the cap', () => {
    expect(retryDelayMs(1, 1_000, 600_000, 0)).toBe(1_000);
    expect(retryDelayMs(1, 1_000, 600_000, 1)).toBe(1_200);
    expect(retryDelayMs(4, 1_000, 600_000, 0)).toBe(8_000);
    expect(retryDelayMs(11, 1_000, 600_000, 0.5)).toBe(600_000);
    expect(retryDelayMs(500, 1_000, 600_000, 1)).toBe(600_000);
    // The documented default: about 150 tries fit into 24 h.
    let elapsed = 0;
    let tries = 1;
    for (; elapsed + retryDelayMs(tries, 1_000, DEFAULT_RETRY_SCHEDULE.maxDelayMs, 0) <= DEFAULT_RETRY_SCHEDULE.windowMs; tries++) elapsed += retryDelayMs(tries, 1_000, DEFAULT_RETRY_SCHEDULE.maxDelayMs, 0);
    expect(tries).toBeGreaterThan(140);
    expect(tries).toBeLessThan(160);
  });

  it('retries a failing event until its window is spent, with capped delays, then dead-letters it', async () => {
    const s = await environment.scenario();
    const triedAt: number[] = [];
    safetyConsumer(s, { 'user.verified': async () => { triedAt.push(Date.now()); throw new Error('score model rejects it'); } }, { retry: { firstDelayMs: 20, maxDelayMs: 80, windowMs: 1_000 } }).start();
    const deadLetters = s.track(new DeadLetters('safety', s.redis), (d) => d.close());
    const event = await publishVerified(s, { backoffMs: 20 });
    const [letter] = await waitFor('the dead letter', async () => {
      const letters = await deadLetters.list();
      return letters.length > 0 ? letters : undefined;
    });
    expect(letter).toMatchObject({ id: event.id, reason: 'score model rejects it' });
    expect(letter!.attempts).toBe(triedAt.length);
    expect(triedAt.length).toBeGreaterThanOrEqual(8); // 20, 40, 80, 80 … ms within one second
    const gaps = triedAt.slice(1).map((at, i) => at - triedAt[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(18);
    expect(gaps[1]).toBeGreaterThanOrEqual(38);
    for (const gap of gaps.slice(3)) expect(gap).toBeGreaterThanOrEqual(78); // capped, never shorter…
    expect(Math.min(...gaps.slice(3))).toBeLessThan(250); // …and not longer (a little scheduling slack)
    expect(triedAt.at(-1)! - triedAt[0]!).toBeLessThanOrEqual(1_100);
    expect(await deadLetters.get(event.id)).toMatchObject({ eventType: 'user.verified' });
  });

  it('grants events unbounded tries by default: the window decides', async () => {
    const s = await environment.scenario();
    const event = await publishVerified(s, {});
    const job = await s.queue('safety').getJob(event.id);
    expect(job!.opts.attempts).toBe(UNBOUNDED_ATTEMPTS);
    expect(job!.opts.backoff).toEqual({ type: 'anshim-windowed', delay: 1_000 });
  });
});

describe('breaker', () => {
  it('pauses the queue on a dependency outage without spending tries, opens once, and closes on the first success', async () => {
    const s = await environment.scenario();
    const { logger, lines } = loggedLines();
    const registry = new Registry();
    installQueueMetrics(registry);
    let down = true;
    let calls = 0;
    const consumer = safetyConsumer(
      s,
      {
        'user.verified': async (event, tx) => {
          calls++;
          if (down) throw new DependencyUnavailableError('postgres', 'the score database is unreachable');
          await tx.$executeRawUnsafe('INSERT INTO effects (consumer, event_id, type) VALUES ($1, $2::uuid, $3)', 'safety', event.id, event.type);
        },
      },
      { logger, breaker: { firstPauseMs: 50, maxPauseMs: 200 } },
    );
    consumer.start();
    // Two tries each: had a dependency failure spent one, both would be dead letters after the second.
    const first = await publishVerified(s, { attempts: 2, backoffMs: 10 });
    const second = await publishVerified(s, { attempts: 2, backoffMs: 10 });

    await waitFor('the breaker to open', async () => (await metricValue(registry, 'anshim_consumer_breaker_open', { queue: 'events.safety' })) === 1);
    const openedAfter = calls;
    const startedAt = Date.now();
    await waitFor('the outage to last a while', () => Date.now() - startedAt > 800, { timeoutMs: 2_000 });
    // Paused, not spinning: at most one trial per pause (≥ 80 ms each once open, 2 jobs in flight).
    expect(calls - openedAfter).toBeLessThanOrEqual(24);
    expect(await metricValue(registry, 'anshim_queue_jobs', { queue: 'events.safety', state: 'failed' })).toBe(0);

    down = false;
    await waitFor('both events applied', async () => (await s.effects('safety')).length === 2, { timeoutMs: 5_000 });
    for (const event of [first, second]) {
      const job = await s.queue('safety').getJob(event.id);
      expect(job!.returnvalue).toBe('processed');
      expect(job!.attemptsMade).toBe(1); // the successful try is the only one counted
    }
    expect(await metricValue(registry, 'anshim_consumer_breaker_open', { queue: 'events.safety' })).toBe(0);
    expect(await metricValue(registry, 'anshim_event_retries_total', { consumer: 'safety', type: 'user.verified' })).toBeUndefined();
    expect(lines.filter((l) => l.msg.includes('breaker open'))).toHaveLength(1);
    expect(lines.filter((l) => l.msg.includes('breaker closed'))).toHaveLength(1);
  });

  it('counts an ordinary failure as a retry, and pauses defineJob queues the same way', async () => {
    const registry = new Registry();
    installQueueMetrics(registry);
    configureRetrySchedule({ firstDelayMs: 10, maxDelayMs: 40, windowMs: 60_000 });
    let calls = 0;
    const outcomes: string[] = [];
    const job = defineJob({
      name: `test.outage_${randomBytes(3).toString('hex')}`,
      jobName: 'send',
      schema: z.object({ n: z.number() }),
      handler: async ({ n }) => {
        calls++;
        if (calls <= 3) throw new DependencyUnavailableError('sms', 'the SMS provider is down');
        if (calls === 4) throw new Error('a glitch of its own');
        outcomes.push(`sent ${n}`);
        return n;
      },
      redis: { url: inject('redisUrl'), prefix: `${inject('redisPrefix')}_outage_${randomBytes(4).toString('hex')}` },
      logger: pino({ level: 'silent' }),
      breaker: { firstPauseMs: 30, maxPauseMs: 100 },
      defaults: { attempts: 2, backoff: { type: 'exponential', delay: 10 } },
    });
    try {
      await job.start();
      await job.add({ n: 1 }, { jobId: 'one' });
      await waitFor('the job to complete', () => outcomes.length === 1, { timeoutMs: 5_000 });
      const done = await job.queue.getJob('one');
      expect(done!.attemptsMade).toBe(2); // the glitch and the success; the three outages spent nothing
      expect(done!.opts.attempts).toBe(UNBOUNDED_ATTEMPTS); // the kit's window, not the service's 2
      expect(await metricValue(registry, 'anshim_event_retries_total', { consumer: job.name, type: 'send' })).toBe(1);
      expect(await metricValue(registry, 'anshim_queue_jobs', { queue: job.name, state: 'waiting' })).toBe(0);
      expect(await metricValue(registry, 'anshim_queue_oldest_job_age_seconds', { queue: job.name })).toBe(0);
    } finally {
      configureRetrySchedule(DEFAULT_RETRY_SCHEDULE);
      await job.close();
    }
  });

  it('treats PostgreSQL being unreachable as a dependency failure, and a bad query as the job’s own', async () => {
    const refused = await new pg.Client({ host: '127.0.0.1', port: 1, connectionTimeoutMillis: 2_000 }).connect().catch((error: unknown) => error);
    expect(isDependencyFailure(refused)).toBe(true);
    expect(isDependencyFailure(new Error('wrapped', { cause: refused }))).toBe(true);
    expect(isDependencyFailure(Object.assign(new Error("Can't reach database server at db:5432"), { code: 'P1001' }))).toBe(true);
    expect(isDependencyFailure(Object.assign(new Error('Timed out fetching a new connection from the connection pool'), { code: 'P2024' }))).toBe(true);
    expect(isDependencyFailure(new Error('terminating connection due to administrator command'))).toBe(true);
    expect(isDependencyFailure(Object.assign(new Error('driver adapter error'), { cause: { kind: 'DatabaseNotReachable', host: 'db', port: 5432 } }))).toBe(true);
    expect(isDependencyFailure(Object.assign(new Error('driver adapter error'), { cause: { kind: 'TableDoesNotExist', table: 'x' } }))).toBe(false);
    const s = await environment.scenario();
    const bad = await s.db.$queryRawUnsafe('SELECT * FROM no_such_table').then(() => undefined, (error: unknown) => error);
    expect(bad).toBeInstanceOf(Error);
    expect(isDependencyFailure(bad)).toBe(false);
    expect(isDependencyFailure(new Error('score model rejects it'))).toBe(false);
  });
});
