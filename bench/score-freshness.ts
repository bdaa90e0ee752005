// score-freshness: how long from an event being committed by its producer to the new score being
// visible through the gateway, at N events/s for 30 s (N = 50 and 200).
//   node --import tsx bench/score-freshness.ts [rate...] [--seconds S]    (default: 50 200, 30 s)
// Real processes (user and safety subgraphs, the safety worker, the gateway) on a throw-away
// database; events go through the platform's outbox and relay (producer → BullMQ → worker →
// PostgreSQL + Redis). Each event is a risk signal for one of 100 users with nothing else in
// flight; when the user's channel says a new version was written, one gateway query confirms it
// is visible and the clock stops there.
import { randomBytes, randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Queue } from 'bullmq';
import { consumerQueueName, createQueueConnection, queuePrefix, RedisChannelHub } from '@anshim/platform';
import { startProcess, type StartedProcess } from '../test/support/processes.ts';
import { createBenchDatabase } from '../subgraphs/safety/test/support/bench-database.ts';
import { TestEventPublisher } from '../subgraphs/safety/test/support/event-publisher.ts';

export interface FreshnessResult {
  rate: number;
  seconds: number;
  published: number;
  measured: number;
  /** Ticks with every user already waiting for a score (the system fell behind). */
  skipped: number;
  p50Ms: number;
  p99Ms: number;
  /** Event → the worker's push on the user's channel (score stored and cached), before the gateway read. */
  pushP50Ms: number;
  pushP99Ms: number;
  maxMs: number;
  /** Where the time went (p50/p99 ms), from the safety queue's completed jobs of this rate. */
  stages: Record<'committedToQueued' | 'queuedToStarted' | 'handled', { p50: number; p99: number }>;
}

const USERS = 100;

async function gql<T>(url: string, query: string, variables: Record<string, unknown> = {}, retries = 1): Promise<T> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: T; errors?: Array<{ message?: string }> };
  // The gateway reuses keep-alive sockets a subgraph may just have closed (idle > 5 s): it answers
  // "socket hang up" once. Reported to the gateway; asking again is safe for these reads.
  if (retries > 0 && body.errors?.some((e) => /socket hang up|ECONNRESET/.test(e.message ?? ''))) return gql(url, query, variables, retries - 1);
  if (body.errors || !body.data) throw new Error(`gateway: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/**
 * The stages of each event, read back from BullMQ's completed jobs (kept for a day): the producer's
 * commit (occurredAt) → enqueued by the relay (job.timestamp) → taken by a worker (processedOn) →
 * handled and committed (finishedOn). What is left of the end-to-end figure is the push and the read.
 */
async function stagesOf(queue: Queue, since: number): Promise<FreshnessResult['stages']> {
  const jobs = (await queue.getJobs(['completed'], 0, -1)).filter((j) => j && j.timestamp >= since);
  const pick = (values: number[]) => {
    const sorted = values.sort((a, b) => a - b);
    return { p50: Math.round(percentile(sorted, 50)), p99: Math.round(percentile(sorted, 99)) };
  };
  return {
    committedToQueued: pick(jobs.map((j) => j.timestamp - Date.parse((j.data as { occurredAt: string }).occurredAt))),
    queuedToStarted: pick(jobs.map((j) => (j.processedOn ?? j.timestamp) - j.timestamp)),
    handled: pick(jobs.map((j) => (j.finishedOn ?? 0) - (j.processedOn ?? 0))),
  };
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN);

export async function run(rates: number[] = [50, 200], seconds = 30): Promise<FreshnessResult[]> {
  const db = await createBenchDatabase();
  const env: Record<string, string> = { DATABASE_URL: db.databaseUrl, REDIS_URL: db.redisUrl, REDIS_PREFIX: db.redisPrefix, SAFETY_NIGHTLY_ENABLED: 'false', LOG_LEVEL: 'info' };
  const processes: StartedProcess[] = [];
  const hub = new RedisChannelHub({ url: db.redisUrl, prefix: db.redisPrefix });
  let publisher: TestEventPublisher | undefined;
  const results: FreshnessResult[] = [];
  const closers: Array<() => Promise<void>> = [];
  try {
    const [user, safety] = await Promise.all([
      startProcess('user', 'subgraphs/user/src/index.ts', { ...env, USER_PORT: '0' }, { timeoutMs: 60_000 }),
      startProcess('safety', 'subgraphs/safety/src/index.ts', { ...env, SAFETY_PORT: '0' }, { timeoutMs: 60_000 }),
    ]);
    processes.push(user, safety);
    processes.push(await startProcess('safety-worker', 'subgraphs/safety/src/workers/index.ts', env, { readyMessage: 'ready', timeoutMs: 60_000 }));
    const gateway = await startProcess('gateway', 'gateway/src/index.ts', {
      ...env,
      GATEWAY_PORT: '0',
      SUBGRAPH_URLS: JSON.stringify({ user: `http://127.0.0.1:${user.port}/graphql`, safety: `http://127.0.0.1:${safety.port}/graphql` }),
    }, { timeoutMs: 60_000 });
    processes.push(gateway);
    const gatewayUrl = `http://127.0.0.1:${gateway.port}/graphql`;
    publisher = await new TestEventPublisher(db.databaseUrl, { url: db.redisUrl, prefix: db.redisPrefix }).start();
    const queueConnection = createQueueConnection({ url: db.redisUrl, prefix: db.redisPrefix });
    const safetyQueue = new Queue(consumerQueueName('safety'), { connection: queueConnection, prefix: queuePrefix({ url: db.redisUrl, prefix: db.redisPrefix }) });
    closers.push(async () => {
      await safetyQueue.close();
      queueConnection.disconnect();
    });

    // Users, registered through the gateway, each with a first score.
    const users: string[] = [];
    for (let i = 0; i < USERS; i += 10) {
      const batch = await Promise.all(Array.from({ length: 10 }, () =>
        gql<{ register: { user: { id: string } } }>(gatewayUrl, 'mutation($i: RegisterInput!) { register(input: $i) { user { id } } }', {
          i: { email: `fresh-${randomBytes(5).toString('hex')}@bench.test`, password: 'bench password 1234', nickname: 'bench' },
        })));
      users.push(...batch.map((b) => b.register.user.id));
    }
    const SCORE = 'query($id: ID!) { user(id: $id) { safetyScore { version } } }';
    const versionOf = async (id: string) => (await gql<{ user: { safetyScore: { version: number } } }>(gatewayUrl, SCORE, { id })).user.safetyScore.version;

    for (const rate of rates) {
      const seen = new Map<string, number>();
      for (const id of users) {
        for (let v = await versionOf(id); ; v = await versionOf(id)) {
          if (v >= 1) { seen.set(id, v); break; }
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      const inFlight = new Map<string, { started: number; base: number; pushedAt?: number }>();
      const latencies: number[] = [];
      const pushed: number[] = [];
      const confirmations: Array<Promise<void>> = [];
      const unlisten = await Promise.all(users.map((id) => hub.listen(`safety.score.${id}`, (message) => {
        const version = (JSON.parse(message) as { version: number }).version;
        seen.set(id, Math.max(seen.get(id) ?? 0, version));
        const flight = inFlight.get(id);
        if (!flight || version <= flight.base || flight.pushedAt) return;
        flight.pushedAt = performance.now();
        pushed.push(flight.pushedAt - flight.started);
        confirmations.push((async () => {
          while ((await versionOf(id)) <= flight.base) await new Promise((r) => setTimeout(r, 5)); // not visible yet: ask again
          latencies.push(performance.now() - flight.started);
          inFlight.delete(id);
        })());
      })));
      let published = 0;
      let skipped = 0;
      const startedAt = Date.now();
      const started = performance.now();
      const interval = 1000 / rate;
      for (let tick = 0; performance.now() - started < seconds * 1000; tick++) {
        const due = started + tick * interval;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const idle = users.filter((id) => !inFlight.has(id));
        if (idle.length === 0) { skipped++; continue; }
        const userId = idle[Math.floor(Math.random() * idle.length)]!;
        inFlight.set(userId, { started: performance.now(), base: seen.get(userId) ?? 0 });
        published++;
        void publisher.publish('monitor.risk_detected', { userId, level: 'MEDIUM', rule: 'BENCH', alertId: randomUUID(), detectedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
      }
      const drainUntil = performance.now() + 30_000;
      while (inFlight.size > 0 && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 50));
      await Promise.allSettled(confirmations);
      await Promise.all(unlisten.map((stop) => stop()));
      const sorted = [...latencies].sort((a, b) => a - b);
      const sortedPush = [...pushed].sort((a, b) => a - b);
      const result: FreshnessResult = {
        rate,
        seconds,
        published,
        measured: latencies.length,
        skipped,
        p50Ms: Math.round(percentile(sorted, 50)),
        p99Ms: Math.round(percentile(sorted, 99)),
        pushP50Ms: Math.round(percentile(sortedPush, 50)),
        pushP99Ms: Math.round(percentile(sortedPush, 99)),
        maxMs: Math.round(sorted.at(-1) ?? NaN),
        stages: await stagesOf(safetyQueue, startedAt),
      };
      results.push(result);
      console.log(`score-freshness ${rate} events/s for ${seconds} s: ${published} published, ${latencies.length} measured, ${skipped} ticks skipped; event → visible through the gateway p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, max ${result.maxMs} ms (stored and pushed: p50 ${result.pushP50Ms} ms, p99 ${result.pushP99Ms} ms)`);
      const { committedToQueued: q, queuedToStarted: w, handled: h } = result.stages;
      console.log(`  stages p50/p99 ms: commit → queued ${q.p50}/${q.p99}, queued → worker ${w.p50}/${w.p99}, handled ${h.p50}/${h.p99}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    }
  } catch (error) {
    for (const p of processes) {
      if (p.child.exitCode !== null || p.child.signalCode !== null) console.error(`${p.name} exited (${p.child.exitCode ?? p.child.signalCode}):\n${p.logs.slice(-15).join('\n')}`);
    }
    throw error;
  } finally {
    await hub.close();
    for (const close of closers) await close();
    await publisher?.stop();
    await Promise.all(processes.reverse().map((p) => p.stop()));
    await db.drop();
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--seconds');
  const seconds = at >= 0 ? Number(args[at + 1]) : 30;
  const rates = args.filter((a, i) => i !== at && i !== at + 1).map(Number).filter((n) => Number.isInteger(n) && n > 0);
  run(rates.length ? rates : undefined, seconds).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
