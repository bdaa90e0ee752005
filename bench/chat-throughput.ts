// chat-throughput (issue 18): members chatting through the gateway at a steady rate with every
// conversation's two parties subscribed. 1,000 conversations (each buyer one, ten buyers per
// listing, sellers with many), 2,000 open `chatMessages(conversationId)` subscriptions over
// graphql-ws through the gateway (one socket per member), and 200 messages/s sent with sendMessage
// through the gateway, open loop (each send starts on schedule, answered or not), alternately by
// the buyer and the seller, texts from bench/chat-screening.ts' mix: in each buyers' round a
// different tenth of the buyers are fraudsters who send only its fraud patterns, everyone else its
// small talk. The first CHAT_BENCH_WARMUP_SECONDS (10) of that traffic are not counted, so every
// process has run every path (findings, alerts, actions) before the measure. It measures:
//   - send → receive: from the moment the sender's request starts to the recipient's subscription
//     having the message (p50/p99/max; target p99 ≤ 150 ms), and deliveries lost;
//   - screening per message, as the chat service measures it (anshim_chat_screening_seconds on its
//     operations port: detectors plus the fraud-registry copy lookup), and chat's CPU per message;
//   - the monitor's lag behind the chat: chat.message_screened's outbox time (inside the send's
//     transaction) → the monitor's processed_events record of it (its consumer's transaction);
// side by side with the same run on a second chat process with CHAT_SCREENING=false (the same
// database, behind its own gateway, with members and conversations of its own: the monitor puts
// members who sent fraud patterns in the screened run under REQUIRE_VERIFICATION), so screening's
// cost shows as ratios. Rounds alternate (screened, unscreened, screened, …) so both share the
// machine's noise. CPU per message is reported for chat, the gateway and the monitor.
//   node --import tsx bench/chat-throughput.ts          (or: npm run bench chat-throughput)
// Settings: CHAT_BENCH_CONVERSATIONS (1000), CHAT_BENCH_RATE (200 messages/s), CHAT_BENCH_SECONDS (30),
// CHAT_BENCH_WARMUP_SECONDS (10; 0 measures from the first send),
// CHAT_BENCH_ROUNDS (1 round = one screened and one unscreened run), CHAT_BENCH_WORKERS (2 receiver
// processes), CHAT_BENCH_MODES (`on,off`; `on` alone skips the unscreened run, e.g. for a profile).
// A quick run: CHAT_BENCH_CONVERSATIONS=100 CHAT_BENCH_RATE=20 CHAT_BENCH_SECONDS=5.
// CHAT_BENCH_MONITOR_BEFORE=<git ref>: the monitor runs from that ref's sources (bench/support/baseline-tree.ts;
// same Prisma models needed), the rest from this tree: its CPU per message before and after, run after run.
import { availableParallelism, loadavg } from 'node:os';
import { deployMigrations, ensureDatabase } from '../scripts/lib/migrations.ts';
import { startProcess, type StartedProcess } from '../test/support/processes.ts';
import { benchPlace, benchSecrets } from './support/bench-stack.ts';
import { chatTexts, p99PerSlice } from './support/chat-traffic.ts';
import { startChatReceivers, type ChatMember, type Delivery } from './support/chat-clients.ts';
import { inPool, seedConversations, type Conversation } from './support/chat-seed.ts';
import { gql } from './support/graphql-client.ts';
import { chatConsumedSince, cpuSeconds, describeWaits, dropBenchData, histogramOf, monitorLag, percentile, sendWaitsOf } from './support/chat-measures.ts';
import { machineCpu } from './support/cpu.ts';
import { runWhenScript } from './support/script.ts';
import { prepareBaselineTree } from './support/baseline-tree.ts';

const SEND = 'mutation($c: ID!, $t: String!) { sendMessage(conversationId: $c, text: $t) { id } }';

export interface ChatThroughputSettings {
  conversations: number;
  rate: number;
  seconds: number;
  /** The same traffic before the measure, not counted (CHAT_BENCH_WARMUP_SECONDS). */
  warmupSeconds: number;
  rounds: number;
  workers: number;
  modes: Array<'on' | 'off'>;
}

export interface ChatRunResult {
  screening: 'on' | 'off';
  round: number;
  sent: number;
  failedSends: number;
  /** Recipient deliveries due (one per sent message) and received. */
  expected: number;
  delivered: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Screening per message from the chat service's histogram: mean, and p50/p99 as bucket upper bounds. */
  screeningMeanMs: number;
  screeningP50Ms: number;
  screeningP99Ms: number;
  chatCpuMsPerMessage: number;
  gatewayCpuMsPerMessage: number;
  /** The monitor's CPU over the run (its consumer handles chat.contact_observed and chat.message_screened). */
  monitorCpuMsPerMessage: number;
  /** chat.message_screened events of the run and how many the monitor consumed; lag p50/p99. */
  screenedEvents: number;
  monitorConsumed: number;
  monitorLagP50Ms: number;
  monitorLagP99Ms: number;
  /** What chat's sends waited on over the run: each step of the send path and the pool's connection waits (send-timings.ts). */
  sendWaits: string;
  /**
   * The whole machine over the run, every process and the kernel: CPU ms per message, its share of
   * the cores, and the part of it that is PostgreSQL, Redis, the user and transaction services
   * (what the monitor's events make them do) and the rest (this bench's sender and receivers).
   */
  machine: { msPerMessage: number; coresBusy: number; postgres: number; redis: number; user: number; transaction: number; rest: number };
  load: number;
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): ChatThroughputSettings {
  const whole = (name: string, fallback: number, least = 0) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isInteger(value) || value < least) throw new Error(`${name} must be a whole number of at least ${least} (got ${env[name]})`);
    return value;
  };
  const positive = (name: string, fallback: number) => whole(name, fallback, 1);
  return {
    conversations: positive('CHAT_BENCH_CONVERSATIONS', 1_000),
    rate: positive('CHAT_BENCH_RATE', 200),
    seconds: positive('CHAT_BENCH_SECONDS', 30),
    warmupSeconds: whole('CHAT_BENCH_WARMUP_SECONDS', 10),
    rounds: positive('CHAT_BENCH_ROUNDS', 1),
    workers: positive('CHAT_BENCH_WORKERS', 2),
    modes: modesOf(env.CHAT_BENCH_MODES ?? 'on,off'),
  };
}

function modesOf(text: string): Array<'on' | 'off'> {
  const modes = text.split(',').map((m) => m.trim());
  if (modes.length === 0 || modes.some((m) => m !== 'on' && m !== 'off')) throw new Error(`CHAT_BENCH_MODES must list on and/or off (got ${text})`);
  return modes as Array<'on' | 'off'>;
}

interface Stack {
  gateways: Record<'on' | 'off', { url: string; process: StartedProcess }>;
  chats: Record<'on' | 'off', StartedProcess>;
  monitor: StartedProcess;
  databaseUrl: string;
  jwtSecret: string;
  processes: StartedProcess[];
}

/** This tree's monitor, or CHAT_BENCH_MONITOR_BEFORE's bundle. */
async function monitorEntry(): Promise<string> {
  const ref = process.env.CHAT_BENCH_MONITOR_BEFORE;
  if (!ref) return 'subgraphs/monitor/src/index.ts';
  const tree = await prepareBaselineTree(ref, ['subgraphs/monitor/src/index.ts']);
  console.log(`monitor from ${ref} (${tree.commit})`);
  return tree.bundleOf('subgraphs/monitor/src/index.ts');
}

async function startStack(databaseUrl: string, redisPrefix: string): Promise<Stack> {
  await ensureDatabase(databaseUrl);
  for (const service of ['user', 'transaction', 'monitor', 'chat']) await deployMigrations({ databaseUrl, service, log: () => undefined });
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0',
    REDIS_PREFIX: redisPrefix,
    ...benchSecrets(),
    // Not what this measures: one member sends dozens a minute here.
    CHAT_MEMBER_RATE_LIMIT: '10000',
    CHAT_CONVERSATION_RATE_LIMIT: '10000',
    WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '500',
    // Two subscriptions per conversation on one gateway: past its default capacity (5,000) it would refuse them.
    WS_SUBSCRIPTION_CAPACITY: '1000000',
    WS_CONNECTION_INIT_TIMEOUT_MS: '60000',
  };
  const processes: StartedProcess[] = [];
  // CHAT_BENCH_PROFILE_DIR: the screened chat, its gateway, user, transaction and the monitor write V8 CPU profiles there on exit.
  const profileDir = process.env.CHAT_BENCH_PROFILE_DIR;
  const start = async (name: string, entry: string, extra: Record<string, string>, profiled = false) => {
    const nodeArgs = profiled && profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
    const started = await startProcess(name, entry, { ...env, ...extra }, { timeoutMs: 300_000, nodeArgs });
    processes.push(started);
    return started;
  };
  try {
    const [user, transaction, monitor] = await Promise.all([
      start('user', 'subgraphs/user/src/index.ts', { USER_PORT: '0' }, true),
      start('transaction', 'subgraphs/transaction/src/index.ts', { TRANSACTION_PORT: '0' }, true),
      start('monitor', await monitorEntry(), { MONITOR_PORT: '0' }, true),
    ]);
    const chatOn = await start('chat', 'subgraphs/chat/src/index.ts', { CHAT_PORT: '0' }, true);
    // The baseline reads the same database; the first chat keeps the copies (it consumes the events).
    const chatOff = await start('chat-unscreened', 'subgraphs/chat/src/index.ts', { CHAT_PORT: '0', CHAT_SCREENING: 'false', CHAT_CONSUME_EVENTS: 'false' });
    const urlOf = (p: StartedProcess) => `http://127.0.0.1:${p.port}/graphql`;
    const gateway = (chat: StartedProcess, profiled = false) =>
      start('gateway', 'gateway/src/index.ts', {
        GATEWAY_PORT: '0',
        SUBGRAPH_URLS: JSON.stringify({ user: urlOf(user!), transaction: urlOf(transaction!), monitor: urlOf(monitor!), chat: urlOf(chat) }),
      }, profiled);
    const gatewayOn = await gateway(chatOn, true);
    const gatewayOff = await gateway(chatOff);
    return {
      gateways: { on: { url: urlOf(gatewayOn), process: gatewayOn }, off: { url: urlOf(gatewayOff), process: gatewayOff } },
      chats: { on: chatOn, off: chatOff },
      monitor: monitor!,
      databaseUrl,
      jwtSecret: env.JWT_SECRET,
      processes,
    };
  } catch (error) {
    await Promise.all(processes.map((p) => p.stop()));
    throw error;
  }
}

async function measure(stack: Stack, mode: 'on' | 'off', round: number, settings: ChatThroughputSettings, members: ChatMember[], conversations: Conversation[]): Promise<ChatRunResult> {
  const gateway = stack.gateways[mode];
  const chat = stack.chats[mode];
  const byMessage = new Map<string, Delivery[]>();
  const receivers = startChatReceivers(gateway.url.replace(/^http/, 'ws'), members, settings.workers, (deliveries) => {
    for (const d of deliveries) {
      const list = byMessage.get(d.messageId);
      if (list) list.push(d);
      else byMessage.set(d.messageId, [d]);
    }
  });
  const sendOne = async (conversation: Conversation, byBuyer: boolean, text: string) => {
    const token = members[byBuyer ? conversation.buyer : conversation.seller]!.token;
    const started = Date.now();
    const { sendMessage } = await gql<{ sendMessage: { id: string } }>(gateway.url, SEND, { c: conversation.id, t: text }, token);
    return { id: sendMessage.id, started, recipient: byBuyer ? conversation.seller : conversation.buyer };
  };
  try {
    await receivers.connect();
    // Warm-up: one message in every conversation, until both parties' subscriptions have one (live).
    const warm: string[] = [];
    let warmFailures = 0;
    await inPool(conversations, 16, async (c) => {
      // A loaded machine may make the gateway give up on a send: the run goes on without that one.
      await sendOne(c, true, '안녕하세요, 아직 판매 중인가요?').then((s) => void warm.push(s.id), () => void warmFailures++);
    });
    if (warmFailures) console.log(`  ${warmFailures} warm-up sends failed`);
    const deadline = Date.now() + 180_000;
    const live = () => warm.filter((id) => (byMessage.get(id)?.length ?? 0) >= 2).length;
    while (live() < warm.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    if (live() < warm.length) console.log(`  only ${live()}/${warm.length} conversations had both subscriptions live after the warm-up`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const others = () => Object.fromEntries(['user', 'transaction'].map((name) => [name, cpuSeconds(stack.processes.find((p) => p.name === name)!.child.pid!)]));
    const cpuNow = () => ({ chat: cpuSeconds(chat.child.pid!), gateway: cpuSeconds(gateway.process.child.pid!), monitor: cpuSeconds(stack.monitor.child.pid!), others: others(), machine: machineCpu() });
    const warmupSends = settings.rate * settings.warmupSeconds;
    const total = warmupSends + settings.rate * settings.seconds;
    const textFor = chatTexts(total, 18 + round); // fraudsters and honest members: chat-traffic.ts
    const sent: Array<{ id: string; started: number; recipient: number }> = [];
    let failedSends = 0;
    const failures = new Map<string, number>();
    // Chat's histograms are read before the warm-up, not at its end: a scrape renders every metric on
    // chat's event loop, and in the middle of the traffic that pause was the run's worst tail. So the
    // screening time and the send's waits cover the warm-up too; CPU and latency cover the measure only.
    const histogramBefore = await histogramOf(chat.operationsUrl!);
    // The last scrape before the run: it resets the event-loop delay figures the next one reads.
    const waitsBefore = await sendWaitsOf(chat.operationsUrl!);
    let runStarted = new Date();
    let cpuBefore = cpuNow();
    const t0 = performance.now();
    const inFlight: Array<Promise<void>> = [];
    for (let k = 0; k < total; k++) {
      // The first CHAT_BENCH_WARMUP_SECONDS are the same traffic, not counted: every process has
      // run every path (screening's findings, the alerts and actions they raise) before the measure.
      if (k === warmupSends) {
        cpuBefore = cpuNow();
        runStarted = new Date();
      }
      const measured = k >= warmupSends;
      const wait = t0 + (k * 1000) / settings.rate - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const conversation = conversations[k % conversations.length]!;
      // Buyers first, then sellers, round after round over the conversations.
      const pass = Math.floor(k / conversations.length);
      const byBuyer = pass % 2 === 0;
      inFlight.push(sendOne(conversation, byBuyer, textFor(k % conversations.length, byBuyer ? pass / 2 : null)).then(
        (s) => void (measured && sent.push(s)),
        (error: Error) => {
          if (!measured) return;
          failedSends++;
          const reason = /"message":"([^"]{0,120})/.exec(error.message)?.[1] ?? error.message.slice(0, 120);
          failures.set(reason, (failures.get(reason) ?? 0) + 1);
        },
      ));
    }
    await Promise.all(inFlight);
    const behind = (performance.now() - t0) / 1000 - settings.warmupSeconds - settings.seconds;
    if (behind > 1) console.log(`  the sends took ${behind.toFixed(1)} s longer than scheduled (the bench process could not keep the rate)`);
    const recipientTimes = () => sent.map((s) => byMessage.get(s.id)?.find((d) => d.memberIndex === s.recipient)?.at);
    const settle = Date.now() + 30_000;
    while (recipientTimes().some((at) => at === undefined) && Date.now() < settle) await new Promise((resolve) => setTimeout(resolve, 100));
    const cpuAfter = cpuNow();
    const waitsAfter = await sendWaitsOf(chat.operationsUrl!);
    const screening = histogramBefore && (await histogramOf(chat.operationsUrl!))?.minus(histogramBefore);
    const consumed = await chatConsumedSince(stack.databaseUrl, runStarted);
    const sendWaits = `${describeWaits(waitsBefore, waitsAfter)}\n    events chat consumed during the run: ${consumed.total} (${consumed.byType})`;
    for (const [reason, count] of failures) console.log(`  ${count} sends failed: ${reason}`);

    // Each delivered send once (recipientTimes() scans every send: not once per send).
    const times = recipientTimes();
    const samples = sent.flatMap((s, i) => (times[i] === undefined ? [] : [{ started: s.started, latencyMs: times[i]! - s.started }]));
    const latencies = samples.map((sample) => sample.latencyMs).sort((a, b) => a - b);
    const sliceLine = p99PerSlice(samples, runStarted.getTime()).join(', ');
    // After the lag measure, which waits for the monitor to work through the run's screened events.
    const lag = await monitorLag(stack.databaseUrl, runStarted);
    const monitorCpuAfter = cpuSeconds(stack.monitor.child.pid!);
    return {
      screening: mode,
      round,
      sent: sent.length,
      failedSends,
      expected: sent.length,
      delivered: latencies.length,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies.at(-1) ?? Number.NaN,
      screeningMeanMs: screening ? screening.meanMs() : Number.NaN,
      screeningP50Ms: screening ? screening.quantileMs(0.5) : Number.NaN,
      screeningP99Ms: screening ? screening.quantileMs(0.99) : Number.NaN,
      chatCpuMsPerMessage: ((cpuAfter.chat - cpuBefore.chat) * 1000) / Math.max(1, sent.length),
      gatewayCpuMsPerMessage: ((cpuAfter.gateway - cpuBefore.gateway) * 1000) / Math.max(1, sent.length),
      monitorCpuMsPerMessage: ((monitorCpuAfter - cpuBefore.monitor) * 1000) / Math.max(1, sent.length),
      screenedEvents: lag.events,
      monitorConsumed: lag.consumed,
      monitorLagP50Ms: lag.p50Ms,
      monitorLagP99Ms: lag.p99Ms,
      sendWaits: `${sendWaits}\n    send → receive p99 per 5 s of the run: ${sliceLine} ms`,
      machine: machineShare(cpuBefore, cpuAfter, sent.length),
      load: Math.round(loadavg()[0]! * 10) / 10,
    };
  } finally {
    await receivers.dispose();
  }
}

type CpuReading = { chat: number; gateway: number; monitor: number; others: Record<string, number>; machine: ReturnType<typeof machineCpu> };

function machineShare(before: CpuReading, after: CpuReading, messages: number): ChatRunResult['machine'] {
  const perMessage = (ms: number) => ms / Math.max(1, messages);
  const seconds = (key: 'chat' | 'gateway' | 'monitor') => after[key] - before[key];
  const other = (name: string) => ((after.others[name] ?? 0) - (before.others[name] ?? 0)) * 1000;
  const busy = after.machine.busyMs - before.machine.busyMs;
  const postgres = after.machine.postgresMs - before.machine.postgresMs;
  const redis = after.machine.redisMs - before.machine.redisMs;
  const services = (seconds('chat') + seconds('gateway') + seconds('monitor')) * 1000 + other('user') + other('transaction');
  return {
    msPerMessage: perMessage(busy),
    coresBusy: busy / (after.machine.at - before.machine.at) / availableParallelism(),
    postgres: perMessage(postgres),
    redis: perMessage(redis),
    user: perMessage(other('user')),
    transaction: perMessage(other('transaction')),
    rest: perMessage(busy - services - postgres - redis),
  };
}

const fixed = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : n === Number.POSITIVE_INFINITY ? '>1000' : '–');

function print(r: ChatRunResult): void {
  console.log(
    `screening ${r.screening.padEnd(3)} round ${r.round}: sent ${r.sent} (${r.failedSends} failed), delivered ${r.delivered}/${r.expected}, ` +
      `send → receive p50 ${fixed(r.p50Ms, 0)} ms, p99 ${fixed(r.p99Ms, 0)} ms, max ${fixed(r.maxMs, 0)} ms; ` +
      `screening mean ${fixed(r.screeningMeanMs, 3)} ms (p50 ≤ ${fixed(r.screeningP50Ms, 2)}, p99 ≤ ${fixed(r.screeningP99Ms, 2)} ms); ` +
      `CPU per message chat ${fixed(r.chatCpuMsPerMessage, 2)} ms, gateway ${fixed(r.gatewayCpuMsPerMessage, 2)} ms, monitor ${fixed(r.monitorCpuMsPerMessage, 2)} ms; ` +
      `monitor consumed ${r.monitorConsumed}/${r.screenedEvents} chat.message_screened, lag p50 ${fixed(r.monitorLagP50Ms, 0)} ms, p99 ${fixed(r.monitorLagP99Ms, 0)} ms (load ${r.load})`,
  );
  const m = r.machine;
  console.log(
    `  machine (every process, while the sends ran): ${fixed(m.msPerMessage, 2)} ms CPU per message, ${fixed(m.coresBusy * 100, 0)}% of ${availableParallelism()} cores busy; ` +
      `of it PostgreSQL ${fixed(m.postgres, 2)}, Redis ${fixed(m.redis, 2)}, user ${fixed(m.user, 2)}, transaction ${fixed(m.transaction, 2)}, the bench's clients and the rest ${fixed(m.rest, 2)} ms`,
  );
  if (r.sendWaits) console.log(`  chat's send waits:\n    ${r.sendWaits}`);
}

export async function run(settings: ChatThroughputSettings = settingsFromEnv()): Promise<ChatRunResult[]> {
  const { admin, databaseUrl, redisPrefix } = benchPlace();
  console.log(`chat-throughput: ${settings.conversations} conversations, ${settings.conversations * 2} subscriptions, ${settings.rate} messages/s for ${settings.seconds} s after ${settings.warmupSeconds} s of the same not counted, ${settings.rounds} round(s) (load average ${loadavg().map((l) => l.toFixed(2)).join(', ')})`);
  let stack: Stack | undefined;
  const results: ChatRunResult[] = [];
  try {
    stack = await startStack(databaseUrl, redisPrefix);
    const seeds: Partial<Record<'on' | 'off', Awaited<ReturnType<typeof seedConversations>>>> = {};
    for (const mode of settings.modes) {
      const seeded = Date.now();
      seeds[mode] ??= await seedConversations(stack.gateways.on.url, stack.jwtSecret, settings.conversations);
      console.log(`seeded ${seeds[mode].conversations.length} conversations between ${seeds[mode].members.length} members for the ${mode === 'on' ? 'screened' : 'unscreened'} run in ${((Date.now() - seeded) / 1000).toFixed(1)} s`);
    }
    for (let round = 1; round <= settings.rounds; round++) {
      for (const mode of settings.modes) {
        const { members, conversations } = seeds[mode]!;
        const result = await measure(stack, mode, round, settings, members, conversations);
        results.push(result);
        print(result);
      }
    }
    const mean = (mode: 'on' | 'off', pick: (r: ChatRunResult) => number) => {
      const values = results.filter((r) => r.screening === mode).map(pick).filter(Number.isFinite);
      return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
    };
    const ratio = (pick: (r: ChatRunResult) => number) => mean('on', pick) / mean('off', pick);
    const p99 = Math.max(...results.filter((r) => r.screening === 'on').map((r) => r.p99Ms));
    // The ratios only when both modes ran (CHAT_BENCH_MODES=on alone has nothing to divide by).
    const ratios = settings.modes.length === 2
      ? `screened / unscreened: send → receive p50 ${fixed(ratio((r) => r.p50Ms), 2)}×, p99 ${fixed(ratio((r) => r.p99Ms), 2)}×; ` +
        `chat CPU per message ${fixed(ratio((r) => r.chatCpuMsPerMessage), 2)}×; `
      : '';
    console.log(
      `${ratios}screening ${fixed(mean('on', (r) => r.screeningMeanMs), 3)} ms per message on average. ` +
        `Target p99 ≤ 150 ms with screening: ${p99 <= 150 ? 'met' : 'NOT met'} (${fixed(p99, 0)} ms). Load average at the end ${loadavg().map((l) => l.toFixed(2)).join(', ')}`,
    );
  } finally {
    await Promise.all((stack?.processes ?? []).reverse().map((p) => p.stop()));
    await dropBenchData(admin, databaseUrl, process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0', redisPrefix).catch(() => undefined);
  }
  return results;
}

runWhenScript(import.meta.url, () => run());
