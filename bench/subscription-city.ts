// subscription-city (issue 23 §5): subscriptions at the size of a city. 10,000 members, each one
// socket holding `myRiskAlerts` and `chatMessages(conversationId)` for its one conversation (20,000
// subscriptions, none shareable: every one is a different member), first all on one gateway, then
// the same members split over two gateways (member i on gateway i mod 2, so the two parties of a
// conversation sit on different gateways), every alert and message raised through the first.
// Alerts: recordActivity by registered alert senders (ADMIN tokens, as subscription-fanout's
// `personal` mode), each to one member; chat: sendMessage in the members' conversations, buyer and
// seller taking turns, small talk only (a fraud pattern would restrict the sender). Both at a steady
// rate, open loop, for the same seconds. Each gateway starts fresh per layout, so its memory is what
// that layout holds. Before measuring: every member's two channels are live in the subgraphs
// (Redis PUBSUB NUMSUB, bench/support/city-measures.ts) and a sample of alerts and messages has
// warmed the path. Reports per kind delivered/due and p50/p99/max (publish → parsed by the member:
// see bench/support/city-clients.ts), each gateway's RSS and heap idle / after connect / at the end,
// bytes per subscription, and CPU of gateways, monitor and chat.
//   node --import tsx bench/subscription-city.ts     (or: npm run bench subscription-city, or
//   node --import tsx bench/subscription-fanout.ts 10000 city workers=4)
// Settings: CITY_BENCH_MEMBERS (10000), CITY_BENCH_LAYOUTS (1,2: gateways per measurement),
// CITY_BENCH_WORKERS (4 member processes), CITY_BENCH_SECONDS (10), CITY_BENCH_ALERT_RATE (20/s),
// CITY_BENCH_MESSAGE_RATE (50/s), CITY_BENCH_SENDERS (40 alert senders), CITY_BENCH_WARMUP (500
// alerts and 500 messages), CITY_BENCH_PORT_BASE (free ports), CITY_BENCH_HEAP_DIR (heap snapshots
// of each gateway idle, connected and at the end, for scripts/probe/heap-diff.ts), CITY_BENCH_CPU_PROF_DIR,
// CITY_BENCH_GATEWAY_ENTRY (the gateways from another entry, e.g. a snapshot of older code:
// `git archive <commit> gateway/src | tar -x -C bench/out/baseline`, then bench/out/baseline/gateway/src/index.ts),
// CITY_BENCH_GATEWAY_HEAP_MB (the gateways' V8 old-space limit, `--max-old-space-size`: 320 as
// deploy/k8s/gateway.yaml and deploy/docker-compose.yml set it; 0: V8 sizes the heap itself).
// Target: p99 ≤ 250 ms and gateway RSS ≤ 400 MB with all 20,000 on one gateway.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { Redis } from 'ioredis';
import { channelName, signAccessToken } from '@anshim/platform';
import { userMessageChannel } from '../subgraphs/chat/src/messaging/message-channels.ts';
import { userAlertChannel } from '../subgraphs/monitor/src/alerts/alert-channels.ts';
import type { StartedProcess } from '../test/support/processes.ts';
import { startCityMembers, type DeliveryKind } from './support/city-clients.ts';
import { bucketCount, bucketPercentileMs, bucketsSince, heapSnapshot, heapUsedMb, histogramBuckets, histogramSums, memoryDetail, percentile, quiet, usage, waitForChannels, type Buckets } from './support/city-measures.ts';
import { seedCity, type City } from './support/city-seed.ts';
import { startCityStack, type CityStack } from './support/city-stack.ts';
import { printCity, type CityResult, type DeliveryHop, type GatewayMemory } from './support/city-report.ts';
import { machineCpu } from './support/cpu.ts';
import { gql } from './support/graphql-client.ts';
import { runWhenScript } from './support/script.ts';

export interface CitySettings {
  members: number;
  layouts: number[];
  workers: number;
  seconds: number;
  alertRate: number;
  messageRate: number;
  senders: number;
  warmup: number;
  portBase?: number;
  heapDir?: string;
  cpuProfileDir?: string;
  gatewayEntry?: string;
  /** The gateways' --max-old-space-size in MB; undefined: V8 sizes the heap itself. */
  gatewayHeapMb?: number;
}

/** The gateways' old-space limit in deploy/k8s/gateway.yaml and deploy/docker-compose.yml (NODE_OPTIONS). */
export const DEPLOYED_GATEWAY_HEAP_MB = 320;

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): CitySettings {
  const positive = (name: string, fallback: number) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number (got ${env[name]})`);
    return value;
  };
  return {
    members: positive('CITY_BENCH_MEMBERS', 10_000),
    layouts: (env.CITY_BENCH_LAYOUTS ?? '1,2').split(',').map(Number).filter((n) => Number.isInteger(n) && n >= 1),
    workers: positive('CITY_BENCH_WORKERS', 4),
    seconds: positive('CITY_BENCH_SECONDS', 10),
    alertRate: positive('CITY_BENCH_ALERT_RATE', 20),
    messageRate: positive('CITY_BENCH_MESSAGE_RATE', 50),
    senders: positive('CITY_BENCH_SENDERS', 40),
    warmup: positive('CITY_BENCH_WARMUP', 500),
    portBase: env.CITY_BENCH_PORT_BASE ? positive('CITY_BENCH_PORT_BASE', 0) : undefined,
    heapDir: env.CITY_BENCH_HEAP_DIR || undefined,
    cpuProfileDir: env.CITY_BENCH_CPU_PROF_DIR || undefined,
    gatewayEntry: env.CITY_BENCH_GATEWAY_ENTRY || undefined,
    gatewayHeapMb: env.CITY_BENCH_GATEWAY_HEAP_MB === '0' ? undefined : positive('CITY_BENCH_GATEWAY_HEAP_MB', DEPLOYED_GATEWAY_HEAP_MB),
  };
}

const ALERT = 'mutation($input: ActivityInput!) { recordActivity(input: $input) { level } }';
const SEND = 'mutation($c: ID!, $t: String!) { sendMessage(conversationId: $c, text: $t) { id } }';
const SMALL_TALK = ['안녕하세요, 아직 판매 중인가요?', '네, 판매 중입니다.', '내일 저녁 7시에 합정역 어떠세요?', '좋아요, 그때 뵐게요.', '사진 한 장 더 볼 수 있을까요?'];
const log = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);

/** Runs `work` over `count` indices, `limit` at a time; returns how many failed (the first error is logged). */
async function inPool(count: number, limit: number, work: (index: number) => Promise<void>): Promise<number> {
  let next = 0;
  let failed = 0;
  await Promise.all(Array.from({ length: Math.min(limit, count) }, async () => {
    while (next < count) {
      await work(next++).catch((error: Error) => {
        if (failed++ === 0) log(`  a warm-up send failed: ${error.message}`);
      });
    }
  }));
  return failed;
}

async function memoryOf(gateway: StartedProcess): Promise<{ rssMb: number; peakRssMb: number; heapMb: number }> {
  const { rssMb, peakRssMb } = usage(gateway.child.pid!);
  return { rssMb, peakRssMb, heapMb: await heapUsedMb(gateway.operationsUrl!) };
}

/** What readHops reads: each hop's buckets, and for monitor's record steps their sum of seconds too. */
interface HopReadings {
  buckets: Map<string, Buckets>;
  sums: Map<string, number>;
}

const RECORD_STEP = 'monitor: recordActivity step ';

/**
 * The hops of a delivery the services time themselves (issue 23 §5), as histogram series: monitor's
 * alert age when its publish starts and ends, each await of its recordActivity → publish
 * (anshim_alert_record_step_seconds{step}), and each gateway's time from an upstream event to its
 * result handed to the subscribers, by subgraph (summed over the gateways).
 */
async function readHops(monitor: StartedProcess, gateways: StartedProcess[]): Promise<HopReadings> {
  const hops = new Map<string, Buckets>();
  const sums = new Map<string, number>();
  for (const [stage, buckets] of await histogramBuckets(monitor.operationsUrl!, 'anshim_alert_publish_seconds', 'stage')) hops.set(`monitor: alert createdAt → ${stage}`, buckets);
  const steps = 'anshim_alert_record_step_seconds';
  for (const [step, buckets] of await histogramBuckets(monitor.operationsUrl!, steps, 'step')) hops.set(RECORD_STEP + step, buckets);
  for (const [step, sum] of await histogramSums(monitor.operationsUrl!, steps, 'step')) sums.set(RECORD_STEP + step, sum);
  for (const gateway of gateways) {
    for (const [subgraph, buckets] of await histogramBuckets(gateway.operationsUrl!, 'anshim_subscription_event_seconds', 'subgraph')) {
      const name = `gateway: ${subgraph} event → handed to sockets`;
      const sum = hops.get(name) ?? new Map<number, number>();
      for (const [le, count] of buckets) sum.set(le, (sum.get(le) ?? 0) + count);
      hops.set(name, sum);
    }
  }
  return { buckets: hops, sums };
}

function hopsSince(after: HopReadings, before: HopReadings): DeliveryHop[] {
  return [...after.buckets].map(([name, buckets]) => {
    const since = bucketsSince(buckets, before.buckets.get(name));
    const count = bucketCount(since);
    const sum = after.sums.get(name);
    const meanMs = sum === undefined ? undefined : count === 0 ? Number.NaN : ((sum - (before.sums.get(name) ?? 0)) * 1000) / count;
    return { name, count, p50Ms: bucketPercentileMs(since, 50), p99Ms: bucketPercentileMs(since, 99), meanMs };
  });
}

async function measure(stack: CityStack, city: City, layout: number, settings: CitySettings, redis: Redis): Promise<CityResult> {
  const members = city.members.length;
  const perGateway = Math.ceil((2 * members) / layout);
  const gateways: StartedProcess[] = [];
  for (let g = 0; g < layout; g++) gateways.push(await stack.startGateway(Math.ceil(perGateway * 1.1)));
  const url = (g: StartedProcess) => `http://127.0.0.1:${g.port}/graphql`;
  for (const g of gateways) await quiet(g.child.pid!, 30_000);
  const idle = await Promise.all(gateways.map(memoryOf));
  if (settings.heapDir) for (const g of gateways) log(`  heap snapshot (idle): ${await heapSnapshot(g.child.pid!, settings.heapDir)}`);
  // Fresh tokens per layout: a socket closes when its access token expires (15 min after its iat).
  // On a loaded machine connecting and warming up 10,000 members takes longer than that, so the
  // tokens are issued as of 15 minutes from now (valid for 30; the platform checks no iat age).
  const issuedAt = Date.now() + 15 * 60_000;
  const tokens = await Promise.all(city.members.map(async (userId) => (await signAccessToken(stack.env.JWT_SECRET!, { userId, role: 'USER' }, issuedAt)).token));
  const senderTokens = await Promise.all(city.alertSenders.map(async (userId) => (await signAccessToken(stack.env.JWT_SECRET!, { userId, role: 'ADMIN' }, issuedAt)).token));
  let epoch = 0;
  const latencies: Record<DeliveryKind, number[]> = { alert: [], message: [] };
  const clients = startCityMembers(
    city.members.map((userId, i) => ({ userId, token: tokens[i]!, conversationId: city.conversationOf[i]!, wsUrl: url(gateways[i % layout]!).replace(/^http/, 'ws') })),
    settings.workers,
    (batch) => {
      if (batch.epoch === epoch) latencies[batch.kind].push(...batch.values);
    },
  );
  const channels = city.members.flatMap((id) => [userAlertChannel(id), userMessageChannel(id)].map((name) => channelName({ prefix: stack.redisPrefix }, name)));
  try {
    let started = performance.now();
    await clients.connect();
    const live = await waitForChannels(redis, channels, channels.length, 600_000, log);
    log(`${layout} gateway(s): ${members} members connected, ${live}/${channels.length} subscriptions live in the subgraphs (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    const connected = await Promise.all(gateways.map(memoryOf));
    for (const [k, g] of gateways.entries()) log(`  gateway ${k + 1} connected: ${await memoryDetail(g.operationsUrl!)}`);
    if (settings.heapDir) for (const g of gateways) log(`  heap snapshot (connected): ${await heapSnapshot(g.child.pid!, settings.heapDir)}`);
    const raise = async (i: number, text: string) => void (await gql(url(gateways[0]!), ALERT, { input: { type: 'CHAT_MESSAGE', counterpartId: city.members[i], text } }, senderTokens[i % senderTokens.length]!));
    const send = async (k: number, byBuyer: boolean, text: string) => {
      const pair = city.pairs[k]!;
      await gql(url(gateways[0]!), SEND, { c: pair.conversationId, t: text }, tokens[2 * k + (byBuyer ? 1 : 0)]!);
    };
    // Warm-up: a sample of alerts and messages over the whole city (JIT, buffers, pools), unmeasured.
    started = performance.now();
    const warmAlerts = Math.min(settings.warmup, members);
    const warmMessages = Math.min(settings.warmup, city.pairs.length);
    const failedWarm = (await inPool(warmAlerts, 16, (w) => raise(Math.floor((w * members) / warmAlerts), '선입금 부탁드려요 국민은행 123456-78-901234')))
      + (await inPool(warmMessages, 16, (w) => send(Math.floor((w * city.pairs.length) / warmMessages), false, SMALL_TALK[0]!)));
    const warmDeadline = Date.now() + 60_000;
    while (latencies.alert.length + latencies.message.length < warmAlerts + warmMessages - failedWarm && Date.now() < warmDeadline) await new Promise((r) => setTimeout(r, 200));
    log(`  warm-up: ${latencies.alert.length}/${warmAlerts} alerts, ${latencies.message.length}/${warmMessages} messages delivered (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    // The warm-up's events (alert_raised, contact_observed, …) are consumed before measuring, or the backlog is what gets measured.
    for (const p of [stack.monitor, stack.chat, stack.user]) await quiet(p.child.pid!, 60_000);
    clients.reset(++epoch);
    latencies.alert = [];
    latencies.message = [];

    const hopsBefore = await readHops(stack.monitor, gateways);
    const cpuBefore = { gateways: gateways.map((g) => usage(g.child.pid!).cpuSeconds), monitor: usage(stack.monitor.child.pid!).cpuSeconds, chat: usage(stack.chat.child.pid!).cpuSeconds, user: usage(stack.user.child.pid!).cpuSeconds, machine: machineCpu() };
    const t0 = performance.now();
    const alerts = settings.alertRate * settings.seconds;
    const messages = settings.messageRate * settings.seconds;
    // One schedule of both kinds, each at its own rate, open loop: a send starts on time, answered or not.
    const schedule = [
      ...Array.from({ length: alerts }, (_, i) => ({ at: (i * 1000) / settings.alertRate, kind: 'alert' as const, i })),
      ...Array.from({ length: messages }, (_, i) => ({ at: (i * 1000) / settings.messageRate, kind: 'message' as const, i })),
    ].sort((a, b) => a.at - b.at);
    const failed: Record<DeliveryKind, number> = { alert: 0, message: 0 };
    const inFlight: Promise<void>[] = [];
    for (const item of schedule) {
      const wait = t0 + item.at - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      // Spread over the city; the alert recipients are offset from the warm-up's.
      const sent = item.kind === 'alert'
        ? raise((Math.floor((item.i * members) / alerts) + 1) % members, `계좌로 먼저 보내주세요 (${item.i})`)
        : send(Math.floor((item.i * city.pairs.length) / messages), item.i % 2 === 1, SMALL_TALK[item.i % SMALL_TALK.length]!);
      inFlight.push(sent.catch((error: Error) => {
        if (failed[item.kind]++ === 0) log(`  a ${item.kind} failed: ${error.message}`);
      }));
    }
    await Promise.all(inFlight);
    const behind = (performance.now() - t0) / 1000 - settings.seconds;
    if (behind > 1) log(`  the sends took ${behind.toFixed(1)} s longer than scheduled`);
    const due = { alert: alerts - failed.alert, message: messages - failed.message };
    const deadline = Date.now() + 60_000;
    while ((latencies.alert.length < due.alert || latencies.message.length < due.message) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const seconds = (performance.now() - t0) / 1000;
    const machineAfter = machineCpu();
    const hops = hopsSince(await readHops(stack.monitor, gateways), hopsBefore);
    const end = await Promise.all(gateways.map(memoryOf));
    for (const [k, g] of gateways.entries()) log(`  gateway ${k + 1} at the end: ${await memoryDetail(g.operationsUrl!)}`);
    const cpu = (before: number, pid: number) => Math.round(((usage(pid).cpuSeconds - before) / seconds) * 100);
    const gatewayCpuSeconds = gateways.reduce((sum, g, k) => sum + usage(g.child.pid!).cpuSeconds - cpuBefore.gateways[k]!, 0);
    if (settings.heapDir) {
      for (const g of gateways) log(`  heap snapshot (end): ${await heapSnapshot(g.child.pid!, settings.heapDir)}`);
      // A snapshot collects everything first: what is left is retained, the rest was garbage.
      for (const [k, after] of (await Promise.all(gateways.map(memoryOf))).entries()) log(`  gateway ${k + 1} after the snapshot's full GC: RSS ${after.rssMb.toFixed(0)} MB, heap ${after.heapMb.toFixed(0)} MB`);
    }
    const stats = (kind: DeliveryKind) => {
      const sorted = [...latencies[kind]].sort((a, b) => a - b);
      return { due: due[kind], failedSends: failed[kind], delivered: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: sorted.at(-1) ?? Number.NaN };
    };
    const all = [...latencies.alert, ...latencies.message].sort((a, b) => a - b);
    const memory: GatewayMemory[] = gateways.map((g, k) => ({
      subscriptions: perGateway,
      idleRssMb: idle[k]!.rssMb,
      idleHeapMb: idle[k]!.heapMb,
      connectedRssMb: connected[k]!.rssMb,
      connectedHeapMb: connected[k]!.heapMb,
      rssMb: end[k]!.rssMb,
      peakRssMb: end[k]!.peakRssMb,
      heapMb: end[k]!.heapMb,
      cpuPercent: cpu(cpuBefore.gateways[k]!, g.child.pid!),
    }));
    return {
      layout,
      members,
      subscriptions: 2 * members,
      live,
      alert: stats('alert'),
      message: stats('message'),
      p50Ms: percentile(all, 50),
      p99Ms: percentile(all, 99),
      hops,
      gateways: memory,
      gatewayCpuMsPerDelivery: (gatewayCpuSeconds * 1000) / Math.max(1, all.length),
      monitorCpuPercent: cpu(cpuBefore.monitor, stack.monitor.child.pid!),
      chatCpuPercent: cpu(cpuBefore.chat, stack.chat.child.pid!),
      // Over the same window: chat's per message sent; monitor's per alert raised or message sent (a message may announce a contact).
      chatCpuMsPerMessage: ((usage(stack.chat.child.pid!).cpuSeconds - cpuBefore.chat) * 1000) / Math.max(1, due.message),
      monitorCpuMsPerEvent: ((usage(stack.monitor.child.pid!).cpuSeconds - cpuBefore.monitor) * 1000) / Math.max(1, due.message + due.alert),
      machine: {
        coresBusy: (machineAfter.busyMs - cpuBefore.machine.busyMs) / (machineAfter.at - cpuBefore.machine.at) / availableParallelism(),
        postgresPercent: ((machineAfter.postgresMs - cpuBefore.machine.postgresMs) / 10) / seconds,
        redisPercent: ((machineAfter.redisMs - cpuBefore.machine.redisMs) / 10) / seconds,
        userPercent: cpu(cpuBefore.user, stack.user.child.pid!),
      },
      load: loadavg()[0]!,
    };
  } finally {
    await clients.dispose();
    await Promise.all(gateways.map((g) => g.stop()));
    // The next layout starts when the subgraphs have let go of this one's subscriptions.
    await waitForChannels(redis, channels, 0, 60_000, log);
  }
}

export async function run(settings: CitySettings = settingsFromEnv()): Promise<CityResult[]> {
  log(`subscription-city: ${settings.members} members × 2 subscriptions, layouts ${settings.layouts.join(', ')} gateway(s), ${settings.alertRate} alerts/s and ${settings.messageRate} messages/s for ${settings.seconds} s, ${settings.workers} member processes, gateway heap limit ${settings.gatewayHeapMb ? `${settings.gatewayHeapMb} MB` : "V8's default"} (load average ${loadavg().map((l) => l.toFixed(2)).join(', ')})`);
  if (settings.heapDir) mkdirSync(settings.heapDir, { recursive: true });
  if (settings.cpuProfileDir) mkdirSync(settings.cpuProfileDir, { recursive: true });
  const stack = await startCityStack({ portBase: settings.portBase, heapSnapshotDir: settings.heapDir, cpuProfileDir: settings.cpuProfileDir, gatewayEntry: settings.gatewayEntry, gatewayHeapMb: settings.gatewayHeapMb });
  const redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: 2 });
  const results: CityResult[] = [];
  try {
    const seeded = performance.now();
    const city = await seedCity(stack.databaseUrl, settings.members, settings.senders);
    // The senders' user.registered events reach monitor and chat before anything is measured.
    for (const p of [stack.user, stack.monitor, stack.chat]) await quiet(p.child.pid!, 60_000);
    log(`seeded ${city.pairs.length} conversations between ${city.members.length} members and ${city.alertSenders.length} alert senders (${((performance.now() - seeded) / 1000).toFixed(1)} s)`);
    for (const layout of settings.layouts) {
      const result = await measure(stack, city, layout, settings, redis);
      results.push(result);
      printCity(result);
    }
  } finally {
    redis.disconnect();
    await stack.stop();
  }
  mkdirSync('bench/out', { recursive: true });
  writeFileSync('bench/out/subscription-city.json', JSON.stringify({ at: new Date().toISOString(), settings, results }, null, 2));
  log(`load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(', ')}`);
  return results;
}

runWhenScript(import.meta.url, () => run());
