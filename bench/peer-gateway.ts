// peer-gateway: our gateway against Hive Gateway (the strongest JS peer) on the same committed
// supergraph and the same running subgraphs, on the products page with seller safety
// (transaction → user → safety joined per product). Rounds alternate A B A B … in one run so
// machine noise hits both alike; the direct-subgraph baseline shows what federation costs.
//   node --import tsx bench/peer-gateway.ts      (or: npm run bench peer-gateway)
// Settings: BENCH_ROUNDS (default 4), BENCH_DURATION_MS per round and target (default 6000),
// BENCH_CONNECTIONS (default 10), HIVE_ROUTER_RUNTIME=true (Hive with Hive Router's Rust query
// planner). Hive Gateway is installed on first use into bench/peer-gateway/node_modules (its own
// package.json: never a runtime dependency of Anshim) and signs subgraph requests as ours does
// (bench/peer-gateway/hive.config.ts); bench/gateway-mix.ts measures it on varied traffic.
import { mkdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ensurePeersInstalled, startHive, type Peer } from './gateway-mix/peers.ts';
import { anonymousSubgraphHeaders, load, type LoadResult } from './products-page.ts';
import { createBenchStack, seedProducts } from './support/bench-stack.ts';
import { processTreeCpuMs } from './support/cpu.ts';

const PAGE = `query ProductsPage {
  products(first: 20) { edges { node { id title price sellerSafety { grade label color icon }
    seller { nickname safetyScore { grade value } } } } }
}`;
// The subgraph alone cannot join: the same page with what the transaction subgraph owns.
const PAGE_DIRECT = 'query ProductsPage { products(first: 20) { edges { node { id title price seller { id } } } } }';

export async function run(): Promise<void> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 4);
  const durationMs = Number(process.env.BENCH_DURATION_MS ?? 6_000);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
  ensurePeersInstalled();
  const stack = await createBenchStack(['user', 'transaction', 'safety']);
  let peer: Peer | undefined;
  try {
    await seedProducts(stack.gatewayUrl, { sellers: 10, productsPerSeller: 10 });
    peer = await startHive({ subgraphUrls: stack.subgraphUrls, internalSecret: stack.env.INTERNAL_SECRET!, jwtSecret: stack.env.JWT_SECRET! }, { rust: process.env.HIVE_ROUTER_RUNTIME === 'true' });
    const targets = { anshim: stack.gatewayUrl, hive: peer.url };

    // Both answer the same page the same way before anything is timed.
    const [ours, theirs] = await Promise.all(Object.values(targets).map((url) => fetchPage(url)));
    if (JSON.stringify(ours) !== JSON.stringify(theirs)) throw new Error('the two gateways answer the page differently');
    for (const url of Object.values(targets)) await load('warm-up', url, PAGE, { durationMs: 2_000, connections });

    const pids = { anshim: stack.gatewayPid, hive: peer.pid };
    const byTarget: Record<keyof typeof targets, LoadResult[]> = { anshim: [], hive: [] };
    const cpu: Record<keyof typeof targets, { ms: number; subgraphMs: number; requests: number }> = { anshim: { ms: 0, subgraphMs: 0, requests: 0 }, hive: { ms: 0, subgraphMs: 0, requests: 0 } };
    const subgraphCpuMs = () => Object.values(stack.subgraphPids).reduce((sum, pid) => sum + processTreeCpuMs(pid), 0);
    for (let round = 0; round < rounds; round++) {
      // A B, then B A: neither always runs first.
      const order = (round % 2 === 0 ? ['anshim', 'hive'] : ['hive', 'anshim']) as Array<keyof typeof targets>;
      for (const name of order) {
        const before = processTreeCpuMs(pids[name]);
        const subgraphsBefore = subgraphCpuMs();
        const result = await load(name, targets[name], PAGE, { durationMs, connections });
        cpu[name].ms += processTreeCpuMs(pids[name]) - before;
        cpu[name].subgraphMs += subgraphCpuMs() - subgraphsBefore;
        cpu[name].requests += result.requests;
        byTarget[name].push(result);
      }
    }
    const cpuPerRequest = (name: keyof typeof targets) => cpu[name].ms / Math.max(1, cpu[name].requests);
    const subgraphCpuPerRequest = (name: keyof typeof targets) => cpu[name].subgraphMs / Math.max(1, cpu[name].requests);
    const transactionUrl = stack.subgraphUrls.transaction!;
    const direct = await load('transaction subgraph', transactionUrl, PAGE_DIRECT, { durationMs, connections, headers: anonymousSubgraphHeaders(stack.env.INTERNAL_SECRET!, 'transaction', transactionUrl) });

    const summary = (name: keyof typeof targets) => summarize(byTarget[name]);
    const a = summary('anshim');
    const h = summary('hive');
    console.log(`\npeer-gateway: products page with seller safety (20 products, 3 subgraphs), ${connections} connections, ${rounds} alternating rounds × ${durationMs / 1000} s`);
    console.log(`${'target'.padEnd(26)}${'req/s'.padStart(8)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'errors'.padStart(8)}${'CPU ms/req'.padStart(12)}${'subgraphs'.padStart(11)}   per round req/s`);
    for (const [name, label, s] of [['anshim', 'anshim gateway', a], ['hive', peer.label, h]] as const) {
      console.log(`${label.padEnd(26)}${String(s.rps).padStart(8)}${s.p50.toFixed(2).padStart(9)}${s.p99.toFixed(2).padStart(9)}${String(s.errors).padStart(8)}${cpuPerRequest(name).toFixed(2).padStart(12)}${subgraphCpuPerRequest(name).toFixed(2).padStart(11)}   ${s.perRound.join(' ')}`);
    }
    console.log(`${'transaction subgraph alone'.padEnd(26)}${String(direct.requestsPerSecond).padStart(8)}${direct.p50Ms.toFixed(2).padStart(9)}${direct.p99Ms.toFixed(2).padStart(9)}${String(direct.errors).padStart(8)}   (no join: seller { id })`);
    console.log(`ratio anshim / Hive: ${(a.rps / h.rps).toFixed(2)}× req/s, p99 ${(a.p99 / h.p99).toFixed(2)}×, gateway CPU per request ${(cpuPerRequest('anshim') / cpuPerRequest('hive')).toFixed(2)}×`);
    mkdirSync(new URL('./out/', import.meta.url), { recursive: true });
    writeFileSync(
      new URL('./out/peer-gateway.json', import.meta.url),
      JSON.stringify({ at: new Date().toISOString(), rounds, durationMs, connections, anshim: byTarget.anshim, hive: byTarget.hive, cpu, direct }, null, 2),
    );
    if (a.errors || h.errors || direct.errors) throw new Error(`errors during the run: anshim ${a.errors}, hive ${h.errors}, transaction subgraph alone ${direct.errors}`);
  } finally {
    await peer?.stop();
    await stack.stop();
  }
}

async function fetchPage(url: string): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: PAGE }) });
  const body = (await res.json()) as { data?: unknown; errors?: unknown };
  if (body.errors || !body.data) throw new Error(`${url}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** Requests over all rounds; p50/p99 as the median of the rounds' percentiles. */
function summarize(results: LoadResult[]) {
  const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? NaN;
  const weighted = results.reduce((sum, r) => sum + r.requestsPerSecond, 0) / results.length;
  return {
    rps: Math.round(weighted),
    p50: median(results.map((r) => r.p50Ms)),
    p99: median(results.map((r) => r.p99Ms)),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    perRound: results.map((r) => r.requestsPerSecond),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
