// subscription-fanout: N graphql-ws subscribers on one gateway (100, 1,000, 5,000 by default),
// each an ADMIN with its own token on its own socket subscribed to
// `riskAlerts(minLevel: HIGH) { id createdAt subject { nickname } }` (so every alert joins the
// user subgraph per event). A seller then raises alerts through the gateway at a steady rate with
// recordActivity (as an ADMIN: members may not call it); latency is the alert's createdAt (set by monitor just before its commit and
// publish) → the moment each subscriber receives it. Reports p50/p99, the gateway's RSS and CPU.
//   node --import tsx bench/subscription-fanout.ts [subscribers...] [shared|distinct|personal] [nojoin] [compare]
//     [before=<gateway entry>] [workers=N]
//   (default: 100 1000 5000, shared and distinct, with the join; `personal`: each subscriber a
//   different member on `myRiskAlerts`, 200 alerts at 20/s from 20 sellers, each to one of them, raised by the
//   seller that member has a contact with (monitor warns only about people one dealt with; the contacts are seeded);
//   a configuration that delivers nothing fails the bench (exit code 1); `nojoin` selects subject { id } only;
//   `compare` also starts a gateway with WS_JOIN_BATCHING=false on the same subgraphs and measures
//   it right before the batching one at each size, so the before/after ratio shares the noise;
//   `before=` does the same with a gateway started from another entry, e.g. a snapshot of the code
//   before a change: `git archive <commit> gateway/src | tar -x -C bench/out/baseline` then
//   `before=bench/out/baseline/gateway/src/index.ts` (bundled to bench/out/before-gateway.mjs and
//   run with plain node like every process here; a `.mjs` is run as it is); `before=source` starts
//   today's gateway from its TypeScript with `node --import tsx` instead of its bundle; `workers=N` spreads the subscribers over N
//   child processes (bench/support/fanout-clients.ts), 0 (default) keeps them in this process.)
//   FANOUT_CPU_PROF_DIR=dir writes a V8 CPU profile of each gateway and of monitor there when they stop.
//   `city` (issue 23): N members (default 10,000) each on `myRiskAlerts` AND `chatMessages(conversationId)`,
//   on one gateway and then over two: bench/subscription-city.ts (its CITY_BENCH_* settings apply).
// Target (issue 6): 5,000 subscribers with p99 ≤ 250 ms and RSS ≤ 300 MB on this machine kind.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { Redis } from 'ioredis';
import { postgresSchemaFor, signAccessToken } from '@anshim/platform';
import { deployMigrations, ensureDatabase } from '../scripts/lib/migrations.ts';
import { listServices } from '../scripts/lib/services.ts';
import { bundleEntry } from '../scripts/lib/server-build.ts';
import { startProcess, type StartedProcess } from '../test/support/processes.ts';
import { startSubscribers } from './support/fanout-clients.ts';
import { gql } from './support/graphql-client.ts';

const ALERTS = 12;
const ALERTS_PER_SECOND = 4;

/**
 * `distinct`: every subscriber is a different ADMIN (one upstream subscription each);
 * `shared`: one ADMIN on every socket (identical upstream subscriptions are shared by the gateway);
 * `personal`: every subscriber is a different member on `myRiskAlerts`, and each alert is addressed
 * to one of them (the everyday shape: many people online, each warned about their own chats).
 */
export type IdentityMode = 'distinct' | 'shared' | 'personal';

/** Alerts measured in `personal` mode, each to another subscriber, their rate, and the sellers taking turns sending them. */
const PERSONAL_ALERTS = 200;
const PERSONAL_ALERTS_PER_SECOND = 20;
const PERSONAL_SELLERS = 20;

export interface FanoutResult {
  /** `batched` (default gateway), `unbatched` (WS_JOIN_BATCHING=false, with `compare`) or `before` (the `before=` entry). */
  gateway: 'batched' | 'unbatched' | 'before';
  mode: IdentityMode;
  subscribers: number;
  alerts: number;
  /** Deliveries due: every alert to every subscriber, or in `personal` mode each alert to its one recipient. */
  expected: number;
  delivered: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  gatewayRssMb: number;
  /** The gateway's V8 heap in use at the end (its /metrics): RSS minus this is code, buffers and memory V8 keeps for later. */
  gatewayHeapMb: number;
  gatewayCpuPercent: number;
  /** CPU of the monitor subgraph (it sends every upstream event) over the same seconds, in percent of one core. */
  monitorCpuPercent: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** RSS (MB) and CPU seconds used so far by a process, from /proc. */
function usage(pid: number): { rssMb: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { rssMb: rssKb / 1024, cpuSeconds: ticks / 100 };
}

/** Waits (up to 60 s) until a process uses under 10% of a core over a whole second. */
async function quiet(process: StartedProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const before = usage(process.child.pid!).cpuSeconds;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    if (usage(process.child.pid!).cpuSeconds - before < 0.1) return;
  }
}

/** nodejs_heap_size_used_bytes from a process's /metrics (on its operations port). */
async function heapUsed(operationsUrl: string): Promise<number> {
  const text = await (await fetch(`${operationsUrl}/metrics`)).text();
  return Number(/^nodejs_heap_size_used_bytes(?:\{[^}]*\})? ([\d.e+]+)/m.exec(text)?.[1] ?? Number.NaN);
}


/**
 * The monitor warns a member about someone only if the two dealt with each other (its `contacts`,
 * fed by chat.contact_observed and trades): `personal` mode gives seller i mod `sellers` a contact row
 * with subscriber i, written straight into monitor's table as bench/support/city-seed.ts does
 * (what the bench measures is the alert's delivery, not how the contact came to be).
 */
async function seedContacts(databaseUrl: string, sellerIds: string[], memberIds: string[]): Promise<void> {
  const monitor = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${postgresSchemaFor('monitor')}` });
  await monitor.connect();
  try {
    await monitor.query(
      `INSERT INTO contacts (user_id, counterpart_id, last_at) SELECT a, b, now() FROM unnest($1::uuid[], $2::uuid[]) AS c(a, b) ON CONFLICT DO NOTHING`,
      [memberIds.map((_, i) => sellerIds[i % sellerIds.length]!), memberIds],
    );
  } finally {
    await monitor.end();
  }
}

async function measure(databaseUrl: string, gatewayUrl: string, gateway: StartedProcess, monitor: StartedProcess, jwtSecret: string, subscribers: number, mode: IdentityMode, join: boolean, workers: number): Promise<FanoutResult> {
  const wsUrl = gatewayUrl.replace(/^http/, 'ws');
  // Broadcast modes: one seller. Personal mode: many chats at once, so several sellers take turns.
  const sellerTokens: string[] = [];
  const sellerIds: string[] = [];
  for (let i = 0; i < (mode === 'personal' ? PERSONAL_SELLERS : 1); i++) {
    const nickname = `seller${randomBytes(3).toString('hex')}`;
    const registered = await gql<{ register: { user: { id: string } } }>(gatewayUrl, `mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }`, {
      input: { email: `${nickname}@example.com`, password: 'correct horse battery', nickname },
    });
    // recordActivity is for ADMINs and trusted integrations only (members: FORBIDDEN). This bench
    // measures the fan-out of alerts, not where their signals come from, so each seller raises them
    // with an ADMIN token of their own registered id (the alerts' subject still joins to a real
    // member's nickname). bench/chat-throughput measures alerts raised by screened chat messages.
    sellerTokens.push((await signAccessToken(jwtSecret, { userId: registered.register.user.id, role: 'ADMIN' })).token);
    sellerIds.push(registered.register.user.id);
  }
  const buyerId = randomUUID();

  const latencies: number[] = [];
  let epoch = 0;
  let ready = 0;
  let onAllReady: () => void = () => undefined;
  const allReady = new Promise<void>((resolve) => (onAllReady = resolve));
  const sharedToken = (await signAccessToken(jwtSecret, { userId: randomUUID(), role: 'ADMIN' })).token;
  const tokens: string[] = [];
  const userIds: string[] = [];
  for (let i = 0; i < subscribers; i++) {
    const userId = randomUUID();
    userIds.push(userId);
    tokens.push(mode === 'shared' ? sharedToken : (await signAccessToken(jwtSecret, { userId, role: mode === 'personal' ? 'USER' : 'ADMIN' })).token);
  }
  // Each personal alert is raised by the one seller its recipient has dealt with.
  const sellerOf = new Map(userIds.map((id, i) => [id, i % sellerTokens.length]));
  if (mode === 'personal') await seedContacts(databaseUrl, sellerIds, userIds);
  const field = mode === 'personal' ? 'myRiskAlerts' : 'riskAlerts(minLevel: HIGH)';
  const query = `subscription { ${field} { id createdAt subject { ${join ? 'nickname' : 'id'} } } }`;
  const clients = startSubscribers({ wsUrl, query, tokens }, {
    ready: (count) => {
      ready += count;
      if (ready === subscribers) onAllReady();
    },
    latencies: (values, of) => {
      if (of === epoch) latencies.push(...values);
    },
  }, workers);
  try {
    await clients.connect();
    let turn = 0;
    const send = (text: string, counterpartId: string = buyerId) =>
      gql(gatewayUrl, `mutation($input: ActivityInput!) { recordActivity(input: $input) { level } }`, { input: { type: 'CHAT_MESSAGE', counterpartId, text } }, sellerTokens[sellerOf.get(counterpartId) ?? turn++ % sellerTokens.length]);
    // Warm-up: alert until every subscriber has received one (their upstream subscriptions are live).
    // In `personal` mode that is one alert to each of them, 16 at a time.
    const warm = Date.now();
    while (ready < subscribers) {
      if (mode === 'personal') {
        for (let i = 0; i < userIds.length; i += 16) await Promise.all(userIds.slice(i, i + 16).map((id) => send('선입금 부탁드려요 국민은행 123456-78-901234', id)));
      } else await send('선입금 부탁드려요 국민은행 123456-78-901234');
      await Promise.race([allReady, new Promise((resolve) => setTimeout(resolve, 2_000))]);
      if (ready < subscribers && Date.now() - warm > 180_000) throw new Error(`only ${ready}/${subscribers} subscribers became live`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    // The personal warm-up raised one alert per subscriber: let monitor relay their events
    // (outbox → queues) before measuring, or the backlog is what gets measured.
    if (mode === 'personal') await quiet(monitor);
    // Warm-up alerts that reached already-live subscribers are not measured.
    clients.reset(++epoch);
    latencies.length = 0;

    const before = usage(gateway.child.pid!);
    const monitorBefore = usage(monitor.child.pid!);
    const started = performance.now();
    const alerts = mode === 'personal' ? PERSONAL_ALERTS : ALERTS;
    const perSecond = mode === 'personal' ? PERSONAL_ALERTS_PER_SECOND : ALERTS_PER_SECOND;
    const sent: Promise<unknown>[] = [];
    for (let i = 0; i < alerts; i++) {
      const due = started + (i * 1000) / perSecond;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      // Personal alerts go to subscribers spread over the whole list; the send is not awaited so a
      // slow answer does not delay the next alert (the broadcast modes send one at a time, as before).
      if (mode === 'personal') sent.push(send(`계좌로 먼저 보내주세요 (${i})`, userIds[Math.floor((i * userIds.length) / alerts)]));
      else await send(`계좌로 먼저 보내주세요 (${i})`);
    }
    await Promise.all(sent);
    const expected = mode === 'personal' ? alerts : alerts * subscribers;
    const deadline = Date.now() + 60_000;
    while (latencies.length < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    // Nothing delivered is a broken bench (or gateway), not a fast one: no figures from it.
    if (latencies.length === 0) throw new Error(`0 of ${expected} alerts delivered`);
    const after = usage(gateway.child.pid!);
    const heapBytes = await heapUsed(gateway.operationsUrl!);
    const monitorAfter = usage(monitor.child.pid!);
    const seconds = (performance.now() - started) / 1000;
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      gateway: 'batched',
      mode,
      subscribers,
      alerts,
      expected,
      delivered: latencies.length,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      maxMs: sorted.at(-1) ?? Number.NaN,
      gatewayRssMb: Math.round(after.rssMb),
      gatewayHeapMb: Math.round(heapBytes / 1024 / 1024),
      gatewayCpuPercent: Math.round(((after.cpuSeconds - before.cpuSeconds) / seconds) * 100),
      monitorCpuPercent: Math.round(((monitorAfter.cpuSeconds - monitorBefore.cpuSeconds) / seconds) * 100),
    };
  } finally {
    // Also when the measurement failed: the subscriber processes would otherwise keep reconnecting.
    await clients.dispose();
  }
}

export interface FanoutOptions {
  join?: boolean;
  /** Also measure a WS_JOIN_BATCHING=false gateway right before the default one at each size. */
  compare?: boolean;
  /** Also measure a gateway started from this entry (e.g. a snapshot of the code before a change), or `source` (today's, under tsx), right before. */
  beforeEntry?: string;
  /** Child processes the subscribers are spread over; 0: all in the bench's own process. */
  workers?: number;
}

/** A `before=` TypeScript entry is bundled like the processes are, so both gateways run the same way. */
async function bundledBefore(entry: string): Promise<string> {
  if (entry.endsWith('.mjs')) return entry;
  const output = 'bench/out/before-gateway.mjs';
  await bundleEntry(entry, output);
  return output;
}

export async function run(counts: number[] = [100, 1_000, 5_000], modes: IdentityMode[] = ['shared', 'distinct'], options: FanoutOptions = {}): Promise<FanoutResult[]> {
  const { join = true, compare = false, beforeEntry, workers = 0 } = options;
  const suffix = randomBytes(4).toString('hex');
  const databaseUrl = `postgresql://root@127.0.0.1:5432/anshim_bench_${suffix}`;
  await ensureDatabase(databaseUrl);
  for (const service of listServices()) await deployMigrations({ databaseUrl, service, log: () => undefined });
  const secrets = { INTERNAL_SECRET: randomBytes(32).toString('hex'), JWT_SECRET: randomBytes(32).toString('hex'), DATA_ENCRYPTION_KEY: randomBytes(32).toString('hex') };
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: 'redis://127.0.0.1:6379/0',
    REDIS_PREFIX: `anshim_bench_${suffix}`,
    LOG_LEVEL: 'warn',
    ...secrets,
    WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '20',
    // The gateway refuses subscriptions past its capacity (5,000 by default), and this measures any size:
    // twice the largest, as the previous size's sockets may still be closing when the next one opens.
    WS_SUBSCRIPTION_CAPACITY: String(2 * Math.max(5_000, ...counts)),
    // The subscribers share the machine with the gateway: under load their connection_init can be late.
    WS_CONNECTION_INIT_TIMEOUT_MS: '60000',
  };
  const processes: StartedProcess[] = [];
  const results: FanoutResult[] = [];
  try {
    // LOG_LEVEL=warn would hide `listening`; start with info and let the processes log little.
    const user = await startProcess('user', 'subgraphs/user/src/index.ts', { ...env, LOG_LEVEL: 'info', USER_PORT: '0', USER_OPS_PORT: '0' }, { timeoutMs: 90_000 });
    processes.push(user);
    const nodeArgs = process.env.FANOUT_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.FANOUT_CPU_PROF_DIR}`] : [];
    const monitor = await startProcess('monitor', 'subgraphs/monitor/src/index.ts', { ...env, LOG_LEVEL: 'info', MONITOR_PORT: '0', MONITOR_OPS_PORT: '0' }, { timeoutMs: 90_000, nodeArgs });
    processes.push(monitor);
    const subgraphUrls = { user: `http://127.0.0.1:${user.port}/graphql`, monitor: `http://127.0.0.1:${monitor.port}/graphql` };
    const startGateway = (batching: boolean, entry = 'gateway/src/index.ts', fromSource = false) =>
      startProcess('gateway', entry, { ...env, LOG_LEVEL: 'info', GATEWAY_PORT: '0', GATEWAY_OPS_PORT: '0', SUBGRAPH_URLS: JSON.stringify(subgraphUrls), WS_JOIN_BATCHING: String(batching) }, { timeoutMs: 90_000, nodeArgs, fromSource });
    const gateways: Array<{ label: FanoutResult['gateway']; process: StartedProcess }> = [];
    if (compare) gateways.push({ label: 'unbatched', process: await startGateway(false) });
    if (beforeEntry === 'source') gateways.push({ label: 'before', process: await startGateway(true, 'gateway/src/index.ts', true) });
    else if (beforeEntry) gateways.push({ label: 'before', process: await startGateway(true, await bundledBefore(beforeEntry)) });
    gateways.push({ label: 'batched', process: await startGateway(true) });
    processes.push(...gateways.map((g) => g.process));
    for (const mode of modes) for (const count of counts) for (const gateway of gateways) {
      const gatewayUrl = `http://127.0.0.1:${gateway.process.port}/graphql`;
      let measured: FanoutResult;
      try {
        measured = await measure(databaseUrl, gatewayUrl, gateway.process, monitor, secrets.JWT_SECRET, count, mode, join, workers);
      } catch (error) {
        // One configuration failing (e.g. the unbatched gateway overloaded) does not hide the others' figures.
        console.log(`${gateway.label.padEnd(9)} ${mode.padEnd(8)} subscribers ${String(count).padStart(5)}: FAILED ${(error as Error).message} ${String((error as Error).cause ?? '')}`);
        const exited = gateway.process.child.exitCode ?? gateway.process.child.signalCode;
        if (exited !== null) console.log(`  the gateway exited (${exited})`);
        for (const line of gateway.process.logs.filter((l) => !/"level":(10|20|30)\b/.test(l)).slice(-8)) console.log(`  gateway: ${line.slice(0, 400)}`);
        // The other configurations still run, but the bench as a whole fails.
        process.exitCode = 1;
        continue;
      }
      const result = { ...measured, gateway: gateway.label };
      results.push(result);
      console.log(
        `${gateway.label.padEnd(9)} ${mode.padEnd(8)} subscribers ${String(count).padStart(5)}: delivered ${result.delivered}/${result.expected}, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, max ${result.maxMs} ms, gateway RSS ${result.gatewayRssMb} MB (heap ${result.gatewayHeapMb} MB), CPU ${result.gatewayCpuPercent}%, monitor CPU ${result.monitorCpuPercent}% (load ${loadavg()[0]!.toFixed(2)})`,
      );
    }
    for (const big of results.filter((r) => r.subscribers >= 5_000 && r.gateway === 'batched'))
    console.log(`${big.mode} target (5,000: p99 ≤ 250 ms, RSS ≤ 300 MB): ${big.p99Ms <= 250 && big.gatewayRssMb <= 300 ? 'met' : 'NOT met'}`);
  } finally {
    await Promise.all(processes.reverse().map((p) => p.stop()));
    const admin = new pg.Client({ connectionString: 'postgresql://root@127.0.0.1:5432/postgres' });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "anshim_bench_${suffix}" WITH (FORCE)`);
    await admin.end();
    const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 });
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${env.REDIS_PREFIX}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    await redis.quit();
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const counts = args.map(Number).filter((n) => n > 0);
  const modes = args.filter((a): a is IdentityMode => a === 'shared' || a === 'distinct' || a === 'personal');
  const value = (name: string) => args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
  if (args.includes('city')) {
    const city = await import('./subscription-city.ts');
    const settings = city.settingsFromEnv();
    await city.run({ ...settings, members: counts[0] ?? settings.members, workers: Number(value('workers') ?? settings.workers) });
    process.exit(0);
  }
  console.log(`subscription-fanout ${args.join(' ')} (load average ${loadavg().map((l) => l.toFixed(2)).join(', ')})`);
  await run(counts.length ? counts : undefined, modes.length ? modes : undefined, {
    join: !args.includes('nojoin'),
    compare: args.includes('compare'),
    beforeEntry: value('before'),
    workers: Number(value('workers') ?? 0),
  });
  console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(', ')}`);
}
