// The queue metrics of every process that consumes a queue (events or defineJob jobs), read when
// /metrics is scraped: a worker registers its queue while it runs, and every registry the process
// installed these metrics on reports it. Services need not pass anything: starting an EventConsumer
// or a defineJob worker is enough. (Two services built in one test process report each other's
// queues too; a deployed process is one service.)
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { QueueBreaker } from './queue-breaker.ts';
import type { SqlExecutor } from './sql-client.ts';

export interface WatchedQueue {
  queue: Queue;
  /** The queue's own connection, for the few raw reads BullMQ has no call for. */
  redis: Redis;
  /** The `consumer` label: the consuming service for events, the job queue's name for jobs. */
  consumer: string;
  breaker: QueueBreaker;
  /** Dead letters (or, for jobs, failed jobs) by event or job type. */
  deadLetters(): Promise<Map<string, number>>;
}

const watched = new Set<WatchedQueue>();
const retryCounters = new Set<Counter<'consumer' | 'type'>>();
const installed = new WeakSet<Registry>();

/** Reports `queue` on every installed registry until the returned function is called. */
export function watchQueue(queue: WatchedQueue): () => void {
  watched.add(queue);
  return () => watched.delete(queue);
}

/** One failed try that will be retried. */
export function countRetry(consumer: string, type: string): void {
  for (const counter of retryCounters) counter.inc({ consumer, type });
}

const STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized'] as const;
const PRIORITY_BAND = 0x100000000; // BullMQ's prioritized score: priority * 2^32 + a counter

/** anshim_queue_jobs, anshim_queue_oldest_job_age_seconds, anshim_dead_letters, anshim_consumer_breaker_open, anshim_event_retries_total. */
export function installQueueMetrics(registry: Registry): void {
  if (installed.has(registry)) return;
  installed.add(registry);
  new Gauge({
    name: 'anshim_queue_jobs',
    help: 'Jobs in each queue this process consumes, by state',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      await Promise.all(
        [...watched].map(async ({ queue }) => {
          const [counts, paused] = await withinScrape(Promise.all([queue.getJobCounts(...STATES), queue.isPaused()]), [undefined, false] as const);
          if (!counts) return;
          for (const state of STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
          // BullMQ keeps a paused queue's jobs in its waiting lists; "paused" is how many of them wait on the pause.
          this.set({ queue: queue.name, state: 'paused' }, paused ? (counts.waiting ?? 0) + (counts.prioritized ?? 0) : 0);
        }),
      );
    },
  });
  new Gauge({
    name: 'anshim_queue_oldest_job_age_seconds',
    help: 'Age of the oldest job waiting in each queue this process consumes (0 when none waits)',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      await Promise.all([...watched].map(async (watch) => this.set({ queue: watch.queue.name }, await withinScrape(oldestWaitingAgeSeconds(watch), 0))));
    },
  });
  new Gauge({
    name: 'anshim_dead_letters',
    help: 'Dead letters (events) and failed jobs (job queues) waiting for an operator, by type',
    labelNames: ['consumer', 'type'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      await Promise.all(
        [...watched].map(async ({ consumer, deadLetters }) => {
          for (const [type, count] of await withinScrape(deadLetters(), new Map<string, number>())) this.set({ consumer, type }, count);
        }),
      );
    },
  });
  new Gauge({
    name: 'anshim_consumer_breaker_open',
    help: "1 while a queue's breaker is open (a dependency is down; the queue is paused), 0 closed",
    labelNames: ['queue'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const { queue, breaker } of watched) this.set({ queue: queue.name }, breaker.isOpen ? 1 : 0);
    },
  });
  retryCounters.add(
    new Counter({
      name: 'anshim_event_retries_total',
      help: 'Failed tries of events and jobs that will be retried, by consumer and type',
      labelNames: ['consumer', 'type'] as const,
      registers: [registry],
    }),
  );
}

/** A scrape must answer while Redis is away: a read that takes too long is left out. */
function withinScrape<T, F>(read: Promise<T>, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<F>((resolve) => (timer = setTimeout(() => resolve(fallback), 2_000)));
  return Promise.race([read.catch(() => fallback), late]).finally(() => clearTimeout(timer));
}

/**
 * The oldest of the waiting list's tail and each priority band's head (a band is FIFO): a few
 * Redis reads, however long the queue.
 */
async function oldestWaitingAgeSeconds({ queue, redis: client }: WatchedQueue): Promise<number> {
  const key = (name: string) => queue.toKey(name);
  const ids: string[] = [];
  const oldestPlain = await client.lrange(key('wait'), -1, -1);
  ids.push(...oldestPlain);
  for (let from = '-inf', bands = 0; bands < 20; bands++) {
    const [id, score] = await client.zrangebyscore(key('prioritized'), from, '+inf', 'WITHSCORES', 'LIMIT', 0, 1);
    if (id === undefined || score === undefined) break;
    ids.push(id);
    from = String((Math.floor(Number(score) / PRIORITY_BAND) + 1) * PRIORITY_BAND);
  }
  let oldest = Date.now();
  for (const id of ids) {
    const [timestamp, delay] = await client.hmget(key(id), 'timestamp', 'delay');
    if (timestamp) oldest = Math.min(oldest, Number(timestamp) + Number(delay ?? 0));
  }
  return Math.max(0, (Date.now() - oldest) / 1_000);
}

/** anshim_outbox_unsent_rows and anshim_outbox_oldest_unsent_age_seconds, one indexed query per scrape. */
export function installOutboxMetrics(registry: Registry, sql: SqlExecutor): void {
  let pending: Promise<{ n: number; age: number } | undefined> | undefined;
  // Both gauges are collected in one scrape: one query serves the two.
  const read = () =>
    (pending ??= Promise.resolve(
      sql.$queryRawUnsafe<Array<{ n: number; age: number | null }>>(
        `SELECT count(*)::int AS n, COALESCE(EXTRACT(EPOCH FROM (LOCALTIMESTAMP - min(created_at))), 0)::float8 AS age
           FROM outbox_events WHERE published_at IS NULL`,
      ),
    )
      .then(([row]) => ({ n: row?.n ?? 0, age: Math.max(0, row?.age ?? 0) }))
      .catch(() => undefined) // PostgreSQL away: the gauges keep their last values
      .finally(() => setImmediate(() => (pending = undefined))));
  new Gauge({
    name: 'anshim_outbox_unsent_rows',
    help: 'Outbox rows committed but not yet published to the queues',
    registers: [registry],
    async collect() {
      const unsent = await read();
      if (unsent) this.set(unsent.n);
    },
  });
  new Gauge({
    name: 'anshim_outbox_oldest_unsent_age_seconds',
    help: 'Age of the oldest unpublished outbox row (0 when none)',
    registers: [registry],
    async collect() {
      const unsent = await read();
      if (unsent) this.set(unsent.age);
    },
  });
}
