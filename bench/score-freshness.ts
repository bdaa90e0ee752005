// score-freshness: how long from an event being committed by its producer to the new score being
// visible through the gateway, at N events/s for S seconds (N = 50 and 200, S = 30).
//   node --import tsx bench/score-freshness.ts [rate...] [--seconds S] [--users U] [--drain D]
//   (default: 50 200, 30 s, U = the largest rate × S, D = 60 s to wait for the last scores)
// Real processes (user and safety subgraphs, the safety worker, the gateway) on a throw-away
// database; events go through the platform's outbox and relay (producer → BullMQ → worker →
// PostgreSQL + Redis). Each event is a risk signal for one user with nothing else in flight for
// that user (so the next score version can only be this event's); when the user's channel says a
// new version was written, one gateway query confirms it is visible and the clock stops there.
//
// Open loop: an event is published every 1/N s whatever happened to the earlier ones. With the
// default U every event of a rate goes to a user of its own, so the bench never holds an event
// back; if it ever has to (a smaller --users), it says so. The users are registered through the
// user service's outbox (bench/support/registered-users.ts), and the safety worker gives each its
// first score from user.registered before the clock starts.
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { Queue } from 'bullmq';
import pg from 'pg';
import { consumerQueueName, createQueueConnection, postgresSchemaFor, queuePrefix, RedisChannelHub } from '@anshim/platform';
import { startProcess, type StartedProcess } from '../test/support/processes.ts';
import { createBenchDatabase } from '../subgraphs/safety/test/support/bench-database.ts';
import { TestEventPublisher } from '../subgraphs/safety/test/support/event-publisher.ts';
import { processCpuMs, processTreeCpuMs } from './support/cpu.ts';
import { registerUsersThroughOutbox } from './support/registered-users.ts';
import { postJson } from './support/graphql-client.ts';
import { runWhenScript } from './support/script.ts';

type Stage = { p50: number; p99: number };

export interface FreshnessResult {
  rate: number;
  seconds: number;
  users: number;
  /** Events published, and per second over the publishing window. */
  published: number;
  offeredPerSecond: number;
  /** Ticks the bench could not publish because every user already had an event in flight (must be 0). */
  heldBack: number;
  /** Events whose new score was seen through the gateway, and per second from the first publish to the last one seen. */
  measured: number;
  handledPerSecond: number;
  /** Events whose score was seen within the publishing window, per second of it. */
  handledInWindowPerSecond: number;
  /** Published but never visible by the end of the drain (must be 0). */
  notVisible: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Event → the worker's push on the user's channel (score stored and cached), before the gateway read. */
  pushP50Ms: number;
  pushP99Ms: number;
  /** Jobs waiting in safety's queue: at the end of the publishing window, and the most seen during it. */
  queueDepthAtEnd: number;
  queueDepthMax: number;
  /** Where the time went (p50/p99 ms), from the safety queue's completed jobs of this rate. */
  stages: Record<'publishToCommitted' | 'committedToQueued' | 'queuedToStarted' | 'handled', Stage>;
  /** Gateway queries the bench sent to confirm visibility (one per event when the push and the cache agree). */
  gatewayReads: number;
  /** CPU seconds each process used from the first publish to the end of the drain (the bench itself included). */
  cpuSeconds: Record<string, number>;
  load: string;
}

let gatewayReads = 0;

async function gql<T>(url: string, query: string, variables: Record<string, unknown> = {}, retries = 2): Promise<T> {
  gatewayReads++;
  let text: string;
  try {
    ({ text } = await postJson(url, JSON.stringify({ query, variables })));
  } catch (error) {
    // A kept-alive socket the gateway closed while idle (its keep-alive timeout is 5 s): ask again.
    const code = (error as NodeJS.ErrnoException).code;
    if (retries > 0 && (code === 'ECONNRESET' || code === 'EPIPE')) return gql(url, query, variables, retries - 1);
    throw error;
  }
  const body = JSON.parse(text) as { data?: T; errors?: Array<{ message?: string }> };
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
async function stagesOf(queue: Queue, ids: ReadonlySet<string>): Promise<Omit<FreshnessResult['stages'], 'publishToCommitted'>> {
  const jobs = (await queue.getJobs(['completed'], 0, -1)).filter((j) => j && ids.has(j.id ?? ''));
  return {
    committedToQueued: pick(jobs.map((j) => j.timestamp - Date.parse((j.data as { occurredAt: string }).occurredAt))),
    queuedToStarted: pick(jobs.map((j) => (j.processedOn ?? j.timestamp) - j.timestamp)),
    handled: pick(jobs.map((j) => (j.finishedOn ?? 0) - (j.processedOn ?? 0))),
  };
}

const pick = (values: number[]): Stage => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: Math.round(percentile(sorted, 50)), p99: Math.round(percentile(sorted, 99)) };
};
const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN);
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until every user has a first score (from user.registered), reporting progress. */
async function waitForFirstScores(databaseUrl: string, users: number, timeoutMs: number): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${postgresSchemaFor('safety')}` });
  await client.connect();
  try {
    const started = performance.now();
    let lastReport = started;
    for (;;) {
      const scored = Number((await client.query('SELECT count(*) AS n FROM safety_scores')).rows[0].n);
      if (scored >= users) return;
      if (performance.now() - started > timeoutMs) throw new Error(`only ${scored} of ${users} users have a first score after ${timeoutMs / 1000} s`);
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        console.log(`  … ${scored}/${users} users scored (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      }
      await sleep(250);
    }
  } finally {
    await client.end();
  }
}

export async function run(rates: number[] = [50, 200], seconds = 30, options: { users?: number; drainSeconds?: number } = {}): Promise<FreshnessResult[]> {
  const userCount = options.users ?? Math.ceil(Math.max(...rates) * seconds);
  const drainMs = (options.drainSeconds ?? 60) * 1000;
  const db = await createBenchDatabase();
  const env: Record<string, string> = { DATABASE_URL: db.databaseUrl, REDIS_URL: db.redisUrl, REDIS_PREFIX: db.redisPrefix, SAFETY_NIGHTLY_ENABLED: 'false', LOG_LEVEL: 'info' };
  // FRESHNESS_CPU_PROF_DIR=dir: V8 CPU profiles of the worker, the safety subgraph and the gateway
  // (summarize with bench/lib/cpu-profile-summary.ts); run the bench itself with --cpu-prof for its own.
  const profileDir = process.env.FRESHNESS_CPU_PROF_DIR;
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const processes: StartedProcess[] = [];
  const hub = new RedisChannelHub({ url: db.redisUrl, prefix: db.redisPrefix });
  let publisher: TestEventPublisher | undefined;
  const results: FreshnessResult[] = [];
  const closers: Array<() => Promise<void>> = [];
  try {
    const [user, safety] = await Promise.all([
      startProcess('user', 'subgraphs/user/src/index.ts', { ...env, USER_PORT: '0', USER_OPS_PORT: '0' }, { timeoutMs: 60_000 }),
      startProcess('safety', 'subgraphs/safety/src/index.ts', { ...env, SAFETY_PORT: '0', SAFETY_OPS_PORT: '0' }, { timeoutMs: 60_000, nodeArgs }),
    ]);
    processes.push(user, safety);
    processes.push(await startProcess('safety-worker', 'subgraphs/safety/src/workers/index.ts', env, { readyMessage: 'ready', timeoutMs: 60_000, nodeArgs }));
    const gateway = await startProcess('gateway', 'gateway/src/index.ts', {
      ...env,
      GATEWAY_PORT: '0',
      GATEWAY_OPS_PORT: '0',
      SUBGRAPH_URLS: JSON.stringify({ user: `http://127.0.0.1:${user.port}/graphql`, safety: `http://127.0.0.1:${safety.port}/graphql` }),
    }, { timeoutMs: 60_000, nodeArgs });
    processes.push(gateway);
    const gatewayUrl = `http://127.0.0.1:${gateway.port}/graphql`;
    publisher = await new TestEventPublisher(db.databaseUrl, { url: db.redisUrl, prefix: db.redisPrefix }).start();
    const queueConnection = createQueueConnection({ url: db.redisUrl, prefix: db.redisPrefix });
    const safetyQueue = new Queue(consumerQueueName('safety'), { connection: queueConnection, prefix: queuePrefix({ url: db.redisUrl, prefix: db.redisPrefix }, consumerQueueName('safety')) });
    closers.push(async () => {
      await safetyQueue.close();
      queueConnection.disconnect();
    });

    const admin = new pg.Client({ connectionString: db.databaseUrl });
    await admin.connect();
    closers.push(() => admin.end());

    // Users: registered through the user service's outbox; safety scores each from user.registered.
    const seedStarted = performance.now();
    const users = await registerUsersThroughOutbox(db.databaseUrl, userCount);
    await waitForFirstScores(db.databaseUrl, users.length, 600_000);
    console.log(`score-freshness: ${users.length} users registered and scored in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s (load average ${load()})`);
    const SCORE = 'query($id: ID!) { user(id: $id) { safetyScore { version } } }';
    const versionOf = async (id: string) => (await gql<{ user: { safetyScore: { version: number } } }>(gatewayUrl, SCORE, { id })).user.safetyScore.version;
    // Every user's first score is version 1; make sure the gateway sees it for a few.
    for (const id of users.slice(0, 5)) if ((await versionOf(id)) < 1) throw new Error(`user ${id} has no score through the gateway`);

    const seen = new Map<string, number>(users.map((id) => [id, 1]));
    type Flight = { started: number; base: number; pushedAt?: number };
    const inFlight = new Map<string, Flight>();
    let onPush: (id: string, flight: Flight) => void = () => undefined;
    const unlisten = await Promise.all(users.map((id) => hub.listen(`safety.score.${id}`, (message) => {
      const version = (JSON.parse(message) as { version: number }).version;
      seen.set(id, Math.max(seen.get(id) ?? 0, version));
      const flight = inFlight.get(id);
      if (!flight || version <= flight.base || flight.pushedAt) return;
      flight.pushedAt = performance.now();
      onPush(id, flight);
    })));
    closers.push(async () => {
      await Promise.all(unlisten.map((stop) => stop()));
    });

    for (const rate of rates) {
      // Idle users in a ring: the next event goes to the user idle the longest.
      const idle = [...users];
      let idleHead = 0;
      const latencies: number[] = [];
      const pushed: number[] = [];
      const confirmations: Array<Promise<void>> = [];
      const eventIds = new Set<string>();
      let lastVisible = 0;
      let readErrors = 0;
      let visibleInWindow = 0;
      let windowEnd = Infinity;
      onPush = (id, flight) => {
        pushed.push(flight.pushedAt! - flight.started);
        confirmations.push((async () => {
          while ((await versionOf(id)) <= flight.base) await sleep(5); // not visible yet: ask again
          const now = performance.now();
          latencies.push(now - flight.started);
          lastVisible = now;
          if (now <= windowEnd) visibleInWindow++;
          inFlight.delete(id);
          idle.push(id);
        })().catch((error: unknown) => {
          readErrors++;
          if (readErrors <= 3) console.error(`  gateway read failed for ${id}: ${(error as Error).message}`);
        }));
      };
      let published = 0;
      let heldBack = 0;
      const depths: number[] = [];
      const depthOf = async () => {
        const counts = await safetyQueue.getJobCounts('waiting', 'prioritized', 'active');
        return (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.active ?? 0);
      };
      // Backends come and go with the pools; sampled every second so one that closes mid-run still counts.
      const backendCpu = new Map<number, { first: number; last: number }>();
      const sampleBackends = async () => {
        for (const { pid } of (await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()')).rows) {
          const ms = processCpuMs(pid);
          const seen = backendCpu.get(pid);
          if (seen) seen.last = ms;
          else backendCpu.set(pid, { first: ms, last: ms });
        }
      };
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          depths.push(await depthOf());
          await sampleBackends();
          await sleep(1000);
        }
      })();
      const publishes: Array<Promise<unknown>> = [];
      const committing: number[] = [];
      const readsBefore = gatewayReads;
      const cpuOf = async () => {
        const bench = process.cpuUsage();
        const each: Record<string, number> = { bench: (bench.user + bench.system) / 1000 };
        for (const p of processes) each[p.name] = p.child.pid ? processTreeCpuMs(p.child.pid) : 0;
        await sampleBackends();
        // PostgreSQL backends serving this database: each one's CPU between the first and the last time it was seen.
        each.postgres = [...backendCpu.values()].reduce((sum, b) => sum + b.last - b.first, 0);
        return each;
      };
      const cpuBefore = await cpuOf();
      const started = performance.now();
      const interval = 1000 / rate;
      for (let tick = 0; ; tick++) {
        const due = started + tick * interval;
        if (due - started >= seconds * 1000) break;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        if (idleHead >= idle.length) {
          heldBack++;
          continue;
        }
        const userId = idle[idleHead++]!;
        if (idleHead > 10_000) {
          idle.splice(0, idleHead);
          idleHead = 0;
        }
        const flightStarted = performance.now();
        inFlight.set(userId, { started: flightStarted, base: seen.get(userId) ?? 0 });
        published++;
        publishes.push(
          publisher
            .publish('monitor.risk_detected', { userId, level: 'MEDIUM', rule: 'BENCH', alertId: randomUUID(), detectedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 3_600_000).toISOString() })
            .then((envelope) => {
              eventIds.add(envelope.id);
              committing.push(performance.now() - flightStarted);
            }),
        );
      }
      windowEnd = performance.now();
      const publishSeconds = (windowEnd - started) / 1000;
      sampling = false;
      await sampler;
      const queueDepthAtEnd = await depthOf();
      const loadAtEnd = load();
      await Promise.all(publishes);
      const drainUntil = performance.now() + drainMs;
      while (inFlight.size > 0 && performance.now() < drainUntil) await sleep(50);
      const notVisible = inFlight.size;
      // Confirmations still polling for users whose push never came are not awaited: they are the notVisible ones.
      await Promise.race([Promise.allSettled(confirmations), sleep(notVisible ? 0 : 10_000)]);
      inFlight.clear();
      const cpuAfter = await cpuOf();
      const cpuSeconds = Object.fromEntries(Object.keys(cpuAfter).map((name) => [name, round1((cpuAfter[name]! - (cpuBefore[name] ?? 0)) / 1000)]));
      const sorted = [...latencies].sort((a, b) => a - b);
      const sortedPush = [...pushed].sort((a, b) => a - b);
      const result: FreshnessResult = {
        rate,
        seconds,
        users: users.length,
        published,
        offeredPerSecond: round1(published / publishSeconds),
        heldBack,
        measured: latencies.length,
        handledPerSecond: round1(latencies.length / ((lastVisible - started) / 1000)),
        handledInWindowPerSecond: round1(visibleInWindow / publishSeconds),
        notVisible,
        p50Ms: Math.round(percentile(sorted, 50)),
        p99Ms: Math.round(percentile(sorted, 99)),
        maxMs: Math.round(sorted.at(-1) ?? NaN),
        pushP50Ms: Math.round(percentile(sortedPush, 50)),
        pushP99Ms: Math.round(percentile(sortedPush, 99)),
        queueDepthAtEnd,
        queueDepthMax: Math.max(queueDepthAtEnd, ...depths),
        stages: { publishToCommitted: pick(committing), ...(await stagesOf(safetyQueue, eventIds)) },
        gatewayReads: gatewayReads - readsBefore,
        cpuSeconds,
        load: loadAtEnd,
      };
      results.push(result);
      const { publishToCommitted: c, committedToQueued: q, queuedToStarted: w, handled: h } = result.stages;
      console.log(
        `score-freshness ${rate} ev/s for ${seconds} s (${users.length} users): offered ${result.offeredPerSecond} ev/s (${published} published, ${heldBack} held back by the bench), ` +
          `handled ${result.handledPerSecond} ev/s (${result.measured} visible; ${result.handledInWindowPerSecond} ev/s within the window)`,
      );
      console.log(
        `  event → visible through the gateway p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, max ${result.maxMs} ms (stored and pushed: p50 ${result.pushP50Ms} ms, p99 ${result.pushP99Ms} ms)`,
      );
      console.log(
        `  stages p50/p99 ms: publish → committed ${c.p50}/${c.p99}, commit → queued ${q.p50}/${q.p99}, queued → worker ${w.p50}/${w.p99}, handled ${h.p50}/${h.p99}; safety queue depth at the end ${queueDepthAtEnd} (max ${result.queueDepthMax}); load average ${loadAtEnd}`,
      );
      console.log(`  CPU seconds from the first publish to the end: ${Object.entries(cpuSeconds).map(([name, sec]) => `${name} ${sec}`).join(', ')}; ${result.gatewayReads} gateway reads`);
      if (notVisible > 0) console.log(`  !!! ${notVisible} of ${published} events were NOT visible through the gateway ${drainMs / 1000} s after the last publish !!!`);
      if (readErrors > 0) console.log(`  !!! ${readErrors} gateway reads failed (counted as not visible) !!!`);
      if (heldBack > 0) console.log(`  !!! the bench held back ${heldBack} events (every user busy): raise --users !!!`);
      if (notVisible > 0) {
        // Let the stragglers finish before the next rate, so its users start idle.
        await Promise.race([Promise.allSettled(confirmations), sleep(60_000)]);
      }
    }
  } catch (error) {
    for (const p of processes) {
      if (p.child.exitCode !== null || p.child.signalCode !== null) console.error(`${p.name} exited (${p.child.exitCode ?? p.child.signalCode}):\n${p.logs.slice(-15).join('\n')}`);
    }
    throw error;
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await hub.close();
    await publisher?.stop();
    await Promise.all(processes.reverse().map((p) => p.stop()));
    await db.drop();
  }
  return results;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

runWhenScript(import.meta.url, () => {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? Number(args[at + 1]) : undefined;
  };
  const skip = new Set<number>();
  for (const name of ['--seconds', '--users', '--drain']) {
    const at = args.indexOf(name);
    if (at >= 0) skip.add(at).add(at + 1);
  }
  const rates = args.filter((_, i) => !skip.has(i)).map(Number).filter((n) => Number.isInteger(n) && n > 0);
  return run(rates.length ? rates : undefined, option('--seconds') ?? 30, { users: option('--users'), drainSeconds: option('--drain') });
});
