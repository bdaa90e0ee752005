// worker-throughput: events/s the safety worker handles (validate → projection → recalculate →
// score + history + outbox in one transaction → cache and channel), at concurrency 1, 4 and 16.
//   node --import tsx bench/worker-throughput.ts [events] [concurrency...]   (default: 2000 1 4 16)
// The queue is filled first, then the workers start; the clock runs until every event is recorded
// as processed. Events are spread over 500 users, so per-user locks rarely contend.
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Queue } from 'bullmq';
import pg from 'pg';
import {
  BULLMQ_PRIORITY,
  consumerQueueName,
  createLogger,
  createQueueConnection,
  queuePrefix,
  type AnyEventEnvelope,
} from '@anshim/platform';
import { EVENT_CATALOGUE } from '@anshim/contracts';
import { loadSafetyEnv } from '../subgraphs/safety/src/env.ts';
import { buildSafetyWorkers } from '../subgraphs/safety/src/workers/safety-workers.ts';
import { createBenchDatabase } from '../subgraphs/safety/test/support/bench-database.ts';
import { processCpuMs } from './support/cpu.ts';

export interface ThroughputResult {
  concurrency: number;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  /** CPU per event: this process (the workers) and the PostgreSQL backends of the run's database. Steadier than events/s on a shared machine. */
  workerCpuMsPerEvent: number;
  postgresCpuMsPerEvent: number;
}

function syntheticEvents(count: number, users: string[]): AnyEventEnvelope[] {
  const now = Date.now();
  const events: AnyEventEnvelope[] = [];
  const envelope = (type: AnyEventEnvelope['type'], subjectUserId: string, data: unknown, i: number): AnyEventEnvelope =>
    ({ id: randomUUID(), type, occurredAt: new Date(now + i).toISOString(), producer: type.startsWith('transaction.') ? 'transaction' : type.slice(0, type.indexOf('.')), subjectUserId, data, schemaVersion: 1 }) as AnyEventEnvelope;
  for (let i = 0; i < count; i++) {
    const userId = users[i % users.length]!;
    const other = users[(i * 7 + 3) % users.length]!;
    const at = new Date(now - 60_000 + i).toISOString();
    switch (i % 5) {
      case 0:
        events.push(envelope('user.verified', userId, { userId, method: (['EMAIL', 'SMS', 'ID_CARD', 'OAUTH'] as const)[(i / 5) % 4 | 0], verifiedAt: at }, i));
        break;
      case 1:
        events.push(envelope('user.profile_updated', userId, { userId, fields: ['bio'], profileCompleteness: i % 100, protectedMode: false }, i));
        break;
      case 2:
        events.push(envelope('transaction.completed', userId, { transactionId: randomUUID(), productId: randomUUID(), buyerId: other, sellerId: userId, amount: 10_000, by: other, at }, i));
        break;
      case 3:
        events.push(envelope('report.filed', userId, { reportId: randomUUID(), reporterId: other, targetUserId: userId, type: 'NO_SHOW', priority: 'NORMAL', productId: null, transactionId: null, filedAt: at }, i));
        break;
      default:
        events.push(envelope('monitor.risk_detected', userId, { userId, level: 'MEDIUM', rule: 'BENCH', alertId: randomUUID(), detectedAt: at, expiresAt: new Date(now + 3_600_000).toISOString() }, i));
    }
  }
  return events;
}

export async function run(events = 2000, concurrencies: number[] = [1, 4, 16]): Promise<ThroughputResult[]> {
  const db = await createBenchDatabase({ services: ['safety'] });
  const client = new pg.Client({ connectionString: db.databaseUrl, options: '-c search_path=svc_safety' });
  await client.connect();
  const results: ThroughputResult[] = [];
  try {
    const users = Array.from({ length: 500 }, () => randomUUID());
    for (const concurrency of concurrencies) {
      const prefix = `${db.redisPrefix}_c${concurrency}`;
      const settings = { url: db.redisUrl, prefix };
      const batch = syntheticEvents(events, users);
      const connection = createQueueConnection(settings);
      const queue = new Queue(consumerQueueName('safety'), { connection, prefix: queuePrefix(settings, consumerQueueName('safety')) });
      for (let i = 0; i < batch.length; i += 500) {
        await queue.addBulk(batch.slice(i, i + 500).map((e) => ({
          name: e.type,
          data: e,
          opts: { jobId: e.id, priority: BULLMQ_PRIORITY[EVENT_CATALOGUE[e.type].priority], attempts: 3, backoff: { type: 'exponential', delay: 200 }, removeOnComplete: true, removeOnFail: false },
        })));
      }
      const before = Number((await client.query('SELECT count(*) AS n FROM processed_events')).rows[0].n);
      const env = loadSafetyEnv(
        { DATABASE_URL: db.databaseUrl, REDIS_URL: db.redisUrl, REDIS_PREFIX: prefix, LOG_LEVEL: 'error', NODE_ENV: 'test', SAFETY_WORKER_CONCURRENCY: String(concurrency), SAFETY_NIGHTLY_ENABLED: 'false' },
        'bench',
      );
      const workers = buildSafetyWorkers(env, createLogger('bench-worker', 'error'));
      // Backends come and go with the pools: sum each one's CPU the first and the last time it is seen.
      const backendCpu = new Map<number, { first: number; last: number }>();
      const sampleBackends = async () => {
        const rows = (await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows;
        for (const { pid } of rows) {
          const ms = processCpuMs(pid);
          const seen = backendCpu.get(pid);
          if (seen) seen.last = ms;
          else backendCpu.set(pid, { first: ms, last: ms });
        }
      };
      await sampleBackends();
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      let sampled = started;
      await workers.start();
      for (;;) {
        const done = Number((await client.query('SELECT count(*) AS n FROM processed_events')).rows[0].n) - before;
        if (done >= events) break;
        if (performance.now() - started > 300_000) throw new Error(`only ${done} of ${events} events processed in 300 s`);
        if (performance.now() - sampled > 1_000) {
          await sampleBackends();
          sampled = performance.now();
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      await sampleBackends();
      const postgresMs = [...backendCpu.values()].reduce((sum, b) => sum + b.last - b.first, 0);
      await workers.close();
      await queue.close();
      connection.disconnect();
      const result: ThroughputResult = {
        concurrency,
        events,
        seconds: Math.round(seconds * 100) / 100,
        eventsPerSecond: Math.round(events / seconds),
        workerCpuMsPerEvent: Math.round(((cpu.user + cpu.system) / 1000 / events) * 100) / 100,
        postgresCpuMsPerEvent: Math.round((postgresMs / events) * 100) / 100,
      };
      results.push(result);
      console.log(
        `worker-throughput concurrency ${concurrency}: ${events} events in ${result.seconds} s = ${result.eventsPerSecond} events/s; ` +
          `CPU per event: worker ${result.workerCpuMsPerEvent} ms, PostgreSQL ${result.postgresCpuMsPerEvent} ms; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
      );
    }
  } finally {
    await client.end();
    await db.drop();
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [events, ...concurrencies] = process.argv.slice(2).map(Number).filter((n) => Number.isInteger(n) && n > 0);
  run(events, concurrencies.length ? concurrencies : undefined).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
