// gateway-mix: the read path of the whole supergraph under realistic traffic, our gateway against
// Hive Gateway (JS runtime), Hive Gateway with Hive Router's Rust query planner and stock
// @apollo/gateway on Apollo Server, all on the same running subgraphs (user, transaction,
// safety + its worker, monitor, chat) and the same committed supergraph.
//   npm run bench gateway-mix            (or: node --import tsx bench/run.ts gateway-mix)
// Workloads, measured in alternating rounds in one run (each round rotates which peer goes first):
//   W1 anonymous browsing: listing pages with varied category/search/price filters, sorts and
//      cursors (later pages), and product detail with seller safety, trade stats and risk warnings;
//   W2 signed-in members (GATEWAY_MIX_TOKENS distinct tokens): `me` with safety score and trade
//      stats, their trades, their conversations, listing pages with minSellerGrade;
//   W3 one identical page (bench/peer-gateway's workload, for comparison).
// Each peer gets the identical deterministic request stream per connection and round
// (GATEWAY_MIX_SEED). Seeding (bench/gateway-mix/seed.ts): members and trades by their owners'
// tables plus outbox events (every copy follows by the real consumers); the 20,000 listings by
// bulk INSERT into transaction's products with the copies safety, monitor and chat keep filled in
// the same pass; conversations through the public API. Before timing, every peer must give the
// same answers as ours to a sample of each workload; any GraphQL error in any answer fails the run.
// Peers are installed only in bench/peer-gateway (npm ci there on first use) and sign subgraph
// requests as our gateway does (bench/peer-gateway/peer-identity.ts).
// Settings (env): GATEWAY_MIX_MEMBERS (2000), GATEWAY_MIX_LISTINGS (20000), GATEWAY_MIX_TRADES
// (2 × members), GATEWAY_MIX_CONVERSATIONS (600), GATEWAY_MIX_TOKENS (200), GATEWAY_MIX_CONNECTIONS
// (10), GATEWAY_MIX_ROUNDS (3), GATEWAY_MIX_SECONDS (15 per workload and peer in a round),
// GATEWAY_MIX_WARMUP_SECONDS (3), GATEWAY_MIX_SEED (23), GATEWAY_MIX_PEERS (anshim,hive,hive-rust,apollo;
// also anshim-nocache: ours with ENTITY_CACHE=false, anshim-nomerge / anshim-merge: ours with GATEWAY_MERGE_FETCHES=false / true),
// GATEWAY_MIX_WORKLOADS (W1,W2,W3).
// Figures: req/s, p50/p99, gateway and subgraph CPU ms per request (/proc), ratio to the best peer;
// printed as one table and written to bench/out/gateway-mix.json. Our gateway's entity cache
// (docs/caching.md): its hit ratio per workload in the timed rounds (after the warm-up), and the
// invalidation lag over GATEWAY_MIX_LAG_SAMPLES (20) score recalculations (p50/p99).
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { postgresSchemaFor } from '@anshim/platform';
import { CATALOGUE } from '../scripts/lib/seed-catalogue.ts';
import { createBenchStack, type BenchStack } from './support/bench-stack.ts';
import { startProcess } from '../test/support/processes.ts';
import { processTreeCpuMs } from './support/cpu.ts';
import { isCleanAnswer, post, runLoad, type Answer } from './gateway-mix/load.ts';
import { mintTokens, pickMembers, seedConversations } from './gateway-mix/members.ts';
import { ensurePeersInstalled, startApollo, startHive, type Peer, type PeerName } from './gateway-mix/peers.ts';
import { printTable, summarize, writeJson, type MixSettings, type RoundMeasure } from './gateway-mix/report.ts';
import { readListings, seedMarket, waitForEventsToSettle } from './gateway-mix/seed.ts';
import { entityCacheCounts, invalidationLags, percentile, type CacheCounts } from './gateway-mix/entity-cache.ts';
import { requestStream, streamSeed, type MixData, type MixRequest, type WorkloadName } from './gateway-mix/workloads.ts';

const SUBGRAPHS = ['user', 'transaction', 'safety', 'monitor', 'chat'];
const ALL_PEERS: PeerName[] = ['anshim', 'hive', 'hive-rust', 'apollo'];
/** Peers a run may name besides the default ones. */
const KNOWN_PEERS: PeerName[] = [...ALL_PEERS, 'anshim-nocache', 'anshim-nomerge', 'anshim-merge'];
/** Our gateway once more with one setting changed, on the same subgraphs: that setting's effect side by side. */
const OUR_VARIANTS: Partial<Record<PeerName, { label: string; env: Record<string, string> }>> = {
  'anshim-nocache': { label: 'anshim, ENTITY_CACHE=false', env: { ENTITY_CACHE: 'false' } },
  'anshim-nomerge': { label: 'anshim, GATEWAY_MERGE_FETCHES=false', env: { GATEWAY_MERGE_FETCHES: 'false' } },
  // The same setting as `anshim`, but started like the variants: the stack's own gateway also served the
  // seeding and answers the lag probes, so a setting's effect is best read between two variants.
  'anshim-merge': { label: 'anshim, GATEWAY_MERGE_FETCHES=true', env: { GATEWAY_MERGE_FETCHES: 'true' } },
};

function settingsFromEnv(): MixSettings & { warmupSeconds: number; lagSamples: number; peers: PeerName[]; workloads: WorkloadName[] } {
  const num = (name: string, fallback: number) => {
    const value = Number(process.env[name] ?? fallback);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0`);
    return value;
  };
  const list = <T extends string>(name: string, all: readonly T[], known: readonly T[] = all) => {
    const chosen = (process.env[name]?.split(',').map((s) => s.trim()).filter(Boolean) ?? [...all]) as T[];
    const unknown = chosen.filter((c) => !known.includes(c));
    if (unknown.length) throw new Error(`${name}: unknown ${unknown.join(', ')} (known: ${known.join(', ')})`);
    return chosen;
  };
  const members = num('GATEWAY_MIX_MEMBERS', 2_000);
  const peers = list('GATEWAY_MIX_PEERS', ALL_PEERS, KNOWN_PEERS);
  if (!peers.includes('anshim')) throw new Error('GATEWAY_MIX_PEERS must include anshim (the answers are compared with ours)');
  return {
    members,
    listings: num('GATEWAY_MIX_LISTINGS', 20_000),
    trades: num('GATEWAY_MIX_TRADES', members * 2),
    conversations: num('GATEWAY_MIX_CONVERSATIONS', 600),
    tokens: num('GATEWAY_MIX_TOKENS', 200),
    connections: num('GATEWAY_MIX_CONNECTIONS', 10),
    rounds: num('GATEWAY_MIX_ROUNDS', 3),
    seconds: num('GATEWAY_MIX_SECONDS', 15),
    warmupSeconds: num('GATEWAY_MIX_WARMUP_SECONDS', 3),
    seed: num('GATEWAY_MIX_SEED', 23),
    lagSamples: num('GATEWAY_MIX_LAG_SAMPLES', 20),
    peers,
    workloads: list('GATEWAY_MIX_WORKLOADS', ['W1', 'W2', 'W3'] as const),
  };
}


async function gradeCounts(databaseUrl: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${postgresSchemaFor('transaction')}` });
  await client.connect();
  try {
    const { rows } = await client.query<{ grade: string; n: string }>('SELECT grade::text AS grade, count(*) AS n FROM safety_copies GROUP BY 1 ORDER BY 1');
    return Object.fromEntries(rows.map((r) => [r.grade, Number(r.n)]));
  } finally {
    await client.end();
  }
}

const SEARCH_WORDS = [...new Set(Object.values(CATALOGUE).flatMap((items) => items.flatMap((item) => item.title.split(' '))))].filter((w) => w.length >= 2);

/** The answers of every peer to one request; an overloaded machine gets two more tries. */
async function answersOf(peers: Peer[], call: MixRequest): Promise<Answer[]> {
  for (let attempt = 1; ; attempt++) {
    const answers = await Promise.all(peers.map((peer) => post(peer.url, call).catch((error: Error) => ({ status: 0, text: error.message }))));
    if (answers.every(isCleanAnswer) || attempt === 3) return answers;
    await new Promise((resolve) => setTimeout(resolve, 3_000));
  }
}

/** Every peer answers a sample of each workload exactly as ours does (and without errors). */
async function checkSameAnswers(stack: BenchStack, peers: Peer[], data: MixData, workloads: WorkloadName[], connections: number): Promise<void> {
  for (const workload of workloads) {
    const next = requestStream(workload, data, streamSeed(1, workload, 999, connections));
    for (let i = 0; i < 40; i++) {
      const call = next();
      const answers = await answersOf(peers, call);
      const failed = answers.map((answer, p) => (isCleanAnswer(answer) ? '' : `${peers[p]!.label}: ${answer.status} ${answer.text.slice(0, 400)}`)).filter(Boolean);
      if (failed.length) {
        const logs = ['gateway', ...SUBGRAPHS].flatMap((name) => stack.recentLogs(name, 5).map((line) => `  ${name}: ${line.slice(0, 300)}`));
        throw new Error(`errors in answers to ${workload} request ${i + 1}:\n${failed.join('\n')}\n  request: ${call.body}\nsubgraph logs:\n${logs.join('\n')}`);
      }
      const ours = JSON.stringify(JSON.parse(answers[0]!.text));
      answers.slice(1).forEach((answer, p) => {
        if (JSON.stringify(JSON.parse(answer.text)) !== ours) {
          throw new Error(`${peers[p + 1]!.label} answers ${workload} differently from ours\n  request: ${call.body}\n  ours:   ${ours.slice(0, 600)}\n  theirs: ${answer.text.slice(0, 600)}`);
        }
      });
    }
  }
}

async function startOurVariant(stack: BenchStack, name: PeerName): Promise<Peer> {
  const variant = OUR_VARIANTS[name]!;
  const env = { ...stack.env, NODE_ENV: 'production', LOG_LEVEL: 'info', ...variant.env, GATEWAY_PORT: '0', GATEWAY_OPS_PORT: '0', SUBGRAPH_URLS: JSON.stringify(stack.subgraphUrls) };
  const gateway = await startProcess(`gateway-${name}`, 'gateway/src/index.ts', env, { timeoutMs: 180_000 });
  return { name, label: variant.label, url: `http://127.0.0.1:${gateway.port}/graphql`, pid: gateway.child.pid!, stop: async () => void (await gateway.stop()) };
}

function addCounts(into: Map<WorkloadName, CacheCounts>, workload: WorkloadName, before: CacheCounts, after: CacheCounts): void {
  const sum = into.get(workload) ?? { hits: 0, misses: 0, bypassed: 0 };
  into.set(workload, { hits: sum.hits + after.hits - before.hits, misses: sum.misses + after.misses - before.misses, bypassed: sum.bypassed + after.bypassed - before.bypassed });
}

export async function run(): Promise<void> {
  const settings = settingsFromEnv();
  const log = (line: string) => console.log(`  ${line}`);
  if (settings.peers.some((p) => p !== 'anshim' && !OUR_VARIANTS[p])) ensurePeersInstalled();
  const stack: BenchStack = await createBenchStack(SUBGRAPHS, {}, { workers: ['safety'] });
  const peers: Peer[] = [];
  try {
    const databaseUrl = stack.env.DATABASE_URL!;
    const jwtSecret = stack.env.JWT_SECRET!;
    const market = await seedMarket(databaseUrl, settings, (members) => pickMembers(members, settings.tokens, settings.seed), log);
    const started = performance.now();
    const conversations = await seedConversations(stack.gatewayUrl, jwtSecret, { buyers: market.buyersFirst, listings: market.listings, count: settings.conversations, seed: settings.seed });
    await waitForEventsToSettle(databaseUrl, log);
    log(`${conversations} conversations with 2 messages each (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    const grades = await gradeCounts(databaseUrl);
    log(`sellers' grades as transaction holds them: ${JSON.stringify(grades)}`);
    const data: MixData = { products: await readListings(databaseUrl), searchWords: SEARCH_WORDS, tokens: await mintTokens(jwtSecret, market.buyersFirst) };

    peers.push({ name: 'anshim', label: 'anshim gateway', url: stack.gatewayUrl, pid: stack.gatewayPid, stop: async () => undefined });
    const peerEnv = { subgraphUrls: stack.subgraphUrls, internalSecret: stack.env.INTERNAL_SECRET!, jwtSecret };
    for (const name of settings.peers) if (OUR_VARIANTS[name]) peers.push(await startOurVariant(stack, name));
    if (settings.peers.includes('hive')) peers.push(await startHive(peerEnv, { rust: false }));
    if (settings.peers.includes('hive-rust')) peers.push(await startHive(peerEnv, { rust: true }));
    if (settings.peers.includes('apollo')) peers.push(await startApollo(peerEnv));
    log(`peers: ${peers.map((p) => p.label).join(', ')}`);

    await checkSameAnswers(stack, peers, data, settings.workloads, settings.connections);
    log('every peer answers a sample of each workload exactly as ours does');
    const streamsFor = (workload: WorkloadName, round: number) =>
      Array.from({ length: settings.connections }, (_, c) => requestStream(workload, data, streamSeed(settings.seed, workload, round, c)));
    for (const peer of peers) {
      for (const workload of settings.workloads) await runLoad(peer.url, streamsFor(workload, 1_000), settings.warmupSeconds * 1_000);
    }

    const subgraphCpuMs = () => Object.values(stack.subgraphPids).reduce((sum, pid) => sum + processTreeCpuMs(pid), 0);
    const measures: RoundMeasure[] = [];
    const cache = new Map<WorkloadName, CacheCounts>();
    for (let round = 0; round < settings.rounds; round++) {
      data.tokens = await mintTokens(jwtSecret, market.buyersFirst);
      for (const [w, workload] of settings.workloads.entries()) {
        // Rotate who goes first, so no peer always meets the machine in the same state.
        const shift = (round + w) % peers.length;
        const order = [...peers.slice(shift), ...peers.slice(0, shift)];
        for (const peer of order) {
          const gatewayBefore = processTreeCpuMs(peer.pid);
          const subgraphsBefore = subgraphCpuMs();
          const cacheBefore = peer.name === 'anshim' ? await entityCacheCounts(stack.gatewayOperationsUrl) : undefined;
          const result = await runLoad(peer.url, streamsFor(workload, round), settings.seconds * 1_000);
          if (cacheBefore) addCounts(cache, workload, cacheBefore, await entityCacheCounts(stack.gatewayOperationsUrl));
          measures.push({ ...result, workload, peer: peer.name, round, gatewayCpuMs: processTreeCpuMs(peer.pid) - gatewayBefore, subgraphCpuMs: subgraphCpuMs() - subgraphsBefore });
          log(`round ${round + 1} ${workload} ${peer.label}: ${result.requestsPerSecond.toFixed(0)} req/s, ${result.errors} errors`);
        }
      }
    }
    const summaries = summarize(measures, peers, settings.workloads);
    printTable(summaries, settings);
    const lags = await invalidationLags(stack.gatewayUrl, jwtSecret, randomUUID(), market.buyersFirst.slice(0, settings.lagSamples));
    const entityCache = {
      hitRatio: Object.fromEntries([...cache].map(([workload, c]) => [workload, { ...c, ratio: c.hits / Math.max(1, c.hits + c.misses) }])),
      invalidationLagMs: { samples: lags.length, p50: percentile(lags, 50), p99: percentile(lags, 99), max: lags.at(-1) ?? Number.NaN },
    };
    for (const [workload, c] of Object.entries(entityCache.hitRatio)) {
      console.log(`entity cache ${workload}: ${(c.ratio * 100).toFixed(1)}% hits (${c.hits} hits, ${c.misses} misses; ${c.bypassed} _entities fetches not cacheable)`);
    }
    const lag = entityCache.invalidationLagMs;
    console.log(`entity cache invalidation lag over ${lag.samples} recalculations: p50 ${lag.p50.toFixed(0)} ms, p99 ${lag.p99.toFixed(0)} ms, max ${lag.max.toFixed(0)} ms`);
    // Fetch merging in our stack's gateway over the whole run (seeding and warm-ups included).
    const ours = await (await fetch(`${stack.gatewayOperationsUrl}/metrics`)).text();
    const counter = (name: string) => Number(new RegExp(`^gateway_subgraph_fetches_${name}_total(?:\\{[^}]*\\})? (\\d+)`, 'm').exec(ours)?.[1] ?? 0);
    console.log(`anshim gateway, whole run: ${counter('merged')} subgraph reads merged, ${counter('merge_resent')} of them sent again alone, ${counter('shared')} shared in flight`);
    const file = writeJson(summaries, measures, settings, { ...settings, trades: market.trades, conversations, grades, entityCache });
    console.log(`written to ${file}`);
    const failing = summaries.filter((s) => s.errors > 0);
    if (failing.length) {
      const samples = measures.flatMap((m) => m.errorSamples.map((e) => `${m.peer} ${m.workload}: ${e}`)).slice(0, 6);
      throw new Error(`GraphQL errors in answers: ${failing.map((s) => `${s.label} ${s.workload} ${s.errors}`).join(', ')}\n${samples.join('\n')}`);
    }
  } finally {
    await Promise.all(peers.map((peer) => peer.stop()));
    await stack.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
