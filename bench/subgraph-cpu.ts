// subgraph-cpu: what one products page costs the subgraphs behind it (issue 23 §2), per subgraph,
// at one connection, this tree against another commit's subgraphs side by side in one run.
//   npm run bench subgraph-cpu                         (this tree only)
//   SUBGRAPH_CPU_BEFORE=main npm run bench subgraph-cpu (and main's user, transaction and safety beside it)
// One database and Redis; this tree's user, transaction, safety (+ its worker, which scores the
// sellers) and gateway; with SUBGRAPH_CPU_BEFORE=<git ref> also that ref's three subgraphs
// (bench/support/baseline-tree.ts: its generated code is this tree's, so the ref must have the same
// schemas) on their own Redis prefix behind a second gateway of this tree. Seeded through the API:
// SUBGRAPH_CPU_SELLERS (20) sellers, each listing in turn, SUBGRAPH_CPU_PRODUCTS (100) products, so
// a page of 20 names 20 different sellers as real listings do.
// Pages, each measured alternately on both stacks in SUBGRAPH_CPU_ROUNDS (3) rounds of
// SUBGRAPH_CPU_SECONDS (10) at SUBGRAPH_CPU_CONNECTIONS (1):
//   page     the products page with seller safety (gateway-mix W3, today's peer-gateway page);
//   listing  W1's listing card (seller id and nickname, seller safety) in four sorts, a later page by cursor
//            every other request (the transaction product cache on, as in production).
// Figures: p50/p99 through the gateway; CPU ms per page of each subgraph and of the gateway, from
// /proc. SUBGRAPH_CPU_PROFILE_DIR=<dir>: every subgraph and gateway writes a V8 CPU profile to
// <dir>/<name>/ on exit (bench/lib/cpu-profile-summary.ts reads them). SUBGRAPH_CPU_BEFORE_GATEWAY=1:
// the "before" stack's gateway is the ref's too (its gateway/ bundled from the same archive), so
// the gateway column compares the two gateways; without it both stacks run this tree's gateway.
import { mkdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { loadavg } from 'node:os';
import pg from 'pg';
import { postgresSchemaFor } from '@anshim/platform';
import { encodeCursor, type ProductSort } from '../subgraphs/transaction/src/products/cursor.ts';
import { ownerUrls, startTiers } from '../test/support/owners.ts';
import { startProcess, type StartedProcess } from '../test/support/processes.ts';
import { prepareBaselineTree } from './support/baseline-tree.ts';
import { createBenchStack } from './support/bench-stack.ts';
import { gql } from './support/graphql-client.ts';
import { processTreeCpuMs } from './support/cpu.ts';
import { runLoad } from './gateway-mix/load.ts';
import { readListings } from './gateway-mix/seed.ts';
import { IDENTICAL_PAGE, type MixRequest } from './gateway-mix/workloads.ts';

const SUBGRAPHS = ['user', 'transaction', 'safety'] as const;
type Subgraph = (typeof SUBGRAPHS)[number];

const LISTING = `query Listing($sort: ProductSort, $after: String) {
  products(sort: $sort, first: 20, after: $after) {
    edges { cursor node { id title price category region createdAt seller { id nickname } sellerSafety { grade label color icon } } }
    pageInfo { hasNextPage endCursor } totalCount } }`;

interface Target {
  label: string;
  gatewayUrl: string;
  gatewayPid: number;
  pids: Record<Subgraph, number>;
  /** CPU ms per second the three subgraphs spend with no request at all (relay polls, queue workers). */
  idleMsPerSecond?: number;
}

interface Measure {
  target: string;
  seconds: number;
  page: string;
  round: number;
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  gatewayCpuMs: number;
  subgraphCpuMs: Record<Subgraph, number>;
}

const num = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a number > 0`);
  return value;
};

/** Sellers who list in turn, so any 20 consecutive listings name 20 different sellers. */
async function seed(gatewayUrl: string, sellers: number, products: number): Promise<void> {
  const tag = Math.random().toString(36).slice(2, 6);
  const tokens: string[] = [];
  for (let s = 0; s < sellers; s++) {
    const { register } = await gql<{ register: { accessToken: string } }>(gatewayUrl, 'mutation($i: RegisterInput!) { register(input: $i) { accessToken } }', {
      i: { email: `cpu${s}.${tag}@bench.test`, password: 'bench password 123', nickname: `판매자${s}${tag}` },
    });
    tokens.push(register.accessToken);
  }
  for (let p = 0; p < products; p++) {
    await gql(gatewayUrl, 'mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }', {
      i: { title: `측정 상품 ${p}`, description: '성능 측정용 상품입니다.', price: 1_000 * (1 + (p % 37)), category: 'OTHER' },
    }, tokens[p % sellers]);
  }
}

/**
 * Until safety has a score for every seller and a copy of every product, and no outbox of the three
 * holds an unpublished event (a second stack's relay must find nothing left to publish).
 */
async function waitForCopies(databaseUrl: string, sellers: number, products: number): Promise<void> {
  const clients = await Promise.all(SUBGRAPHS.map(async (service) => {
    const client = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${postgresSchemaFor(service)}` });
    await client.connect();
    return client;
  }));
  try {
    const deadline = Date.now() + 300_000;
    for (let settledSince = 0; ; ) {
      const pending = await Promise.all(clients.map(async (c) => Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM outbox_events WHERE published_at IS NULL')).rows[0]!.n)));
      const { rows } = await clients[2]!.query<{ scores: number; copies: number }>('SELECT (SELECT count(*)::int FROM safety_scores) AS scores, (SELECT count(*)::int FROM product_copies) AS copies');
      const done = rows[0]!.scores >= sellers && rows[0]!.copies >= products && pending.every((n) => n === 0);
      settledSince = done ? settledSince || Date.now() : 0;
      if (settledSince && Date.now() - settledSince >= 3_000) return;
      if (Date.now() > deadline) throw new Error(`safety did not catch up: ${JSON.stringify({ ...rows[0], pending })}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}


/** The `listing` page stream: the four sorts in turn, every other one a later page from some listing's cursor. */
function listingStream(products: Awaited<ReturnType<typeof readListings>>): () => MixRequest {
  const sorts: ProductSort[] = ['NEWEST', 'PRICE_ASC', 'PRICE_DESC', 'SELLER_SAFETY'];
  let i = 0;
  return () => {
    const sort = sorts[i % sorts.length]!;
    const at = products[(i * 7) % products.length]!;
    const cursor =
      sort === 'NEWEST' ? encodeCursor({ sort, createdAt: at.createdAt, id: at.id })
      : sort === 'SELLER_SAFETY' ? encodeCursor({ sort, score: at.sellerScore, createdAt: at.createdAt, id: at.id })
      : encodeCursor({ sort, price: at.price, id: at.id });
    const after = i % 2 === 1 ? cursor : undefined;
    i++;
    return { body: JSON.stringify({ query: LISTING, variables: { sort, after } }) };
  };
}

/** The ref's user, transaction and safety on their own Redis prefix, and a gateway of this tree over them. */
async function startBefore(ref: string, env: Record<string, string>, profileDir: string | undefined, refGateway: boolean, processes: StartedProcess[]): Promise<Target & { commit: string }> {
  const gatewayEntry = 'gateway/src/index.ts';
  const tree = await prepareBaselineTree(ref, [...SUBGRAPHS.map((s) => `subgraphs/${s}/src/index.ts`), ...(refGateway ? [gatewayEntry] : [])]);
  const own = { ...env, REDIS_PREFIX: `${env.REDIS_PREFIX}_before` };
  const urls: Record<string, string> = {};
  const pids = {} as Record<Subgraph, number>;
  for (const tier of startTiers([...SUBGRAPHS])) {
    await Promise.all(
      tier.map(async (service) => {
        const name = `${service}-before`;
        const nodeArgs = profileDir ? ['--cpu-prof', '--cpu-prof-dir', `${profileDir}/${name}`] : [];
        const started = await startProcess(name, tree.bundleOf(`subgraphs/${service}/src/index.ts`), { ...ownerUrls(service, urls), ...own, LOG_LEVEL: 'info', [`${service.toUpperCase()}_PORT`]: '0' }, { timeoutMs: 180_000, nodeArgs });
        processes.push(started);
        urls[service] = `http://127.0.0.1:${started.port}/graphql`;
        pids[service as Subgraph] = started.child.pid!;
      }),
    );
  }
  const gatewayArgs = profileDir ? ['--cpu-prof', '--cpu-prof-dir', `${profileDir}/gateway-before`] : [];
  const gateway = await startProcess('gateway-before', refGateway ? tree.bundleOf(gatewayEntry) : gatewayEntry, { ...own, NODE_ENV: 'production', LOG_LEVEL: 'info', GATEWAY_PORT: '0', GATEWAY_OPS_PORT: '0', SUBGRAPH_URLS: JSON.stringify(urls) }, { timeoutMs: 180_000, nodeArgs: gatewayArgs });
  processes.push(gateway);
  return { label: `before (${tree.commit}${refGateway ? '+gw' : ''})`, commit: tree.commit, gatewayUrl: `http://127.0.0.1:${gateway.port}/graphql`, gatewayPid: gateway.child.pid!, pids };
}

async function measure(target: Target, page: string, round: number, stream: () => MixRequest, connections: number, seconds: number): Promise<Measure> {
  const cpu = () => ({ gateway: processTreeCpuMs(target.gatewayPid), ...Object.fromEntries(SUBGRAPHS.map((s) => [s, processTreeCpuMs(target.pids[s])])) }) as Record<Subgraph | 'gateway', number>;
  const before = cpu();
  const result = await runLoad(target.gatewayUrl, Array.from({ length: connections }, () => stream), seconds * 1_000);
  const after = cpu();
  const perPage = (name: Subgraph | 'gateway') => (after[name] - before[name]) / Math.max(1, result.requests);
  if (result.errors) console.error(`  ${target.label} ${page}: ${result.errors} errors, e.g. ${result.errorSamples[0]}`);
  return {
    target: target.label, seconds: result.seconds, page, round, requests: result.requests, errors: result.errors, p50Ms: result.p50Ms, p99Ms: result.p99Ms,
    gatewayCpuMs: perPage('gateway'),
    subgraphCpuMs: Object.fromEntries(SUBGRAPHS.map((s) => [s, perPage(s)])) as Record<Subgraph, number>,
  };
}

/** What the subgraphs burn with no traffic: subtracted for the "net" column (background work is per second, not per page). */
async function idleRate(target: Target, seconds: number): Promise<number> {
  const sum = () => SUBGRAPHS.reduce((total, s) => total + processTreeCpuMs(target.pids[s]), 0);
  const before = sum();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
  return (sum() - before) / seconds;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

function print(measures: Measure[], targets: Target[], pages: string[], settings: Record<string, number>): void {
  const [l1, l5, l15] = loadavg().map((v) => v.toFixed(2));
  console.log(`\nsubgraph-cpu: ${settings.connections} connection(s), ${settings.rounds} alternating round(s) × ${settings.seconds} s per page and target; load ${l1} ${l5} ${l15}; ${new Date().toISOString()}`);
  console.log(`CPU ms per page (median of rounds); p50/p99 ms through the gateway`);
  console.log(`idle CPU of the three subgraphs (no requests): ${targets.map((t) => `${t.label} ${t.idleMsPerSecond?.toFixed(1)} ms/s`).join(', ')}; "net" = sum less that rate`);
  console.log(`${'page'.padEnd(9)}${'target'.padEnd(22)}${'pages'.padStart(7)}${'p50'.padStart(8)}${'p99'.padStart(8)}${'user'.padStart(8)}${'txn'.padStart(8)}${'safety'.padStart(8)}${'sum'.padStart(8)}${'net'.padStart(8)}${'gateway'.padStart(9)}`);
  for (const page of pages) {
    for (const target of targets) {
      const rows = measures.filter((m) => m.page === page && m.target === target.label);
      const sg = (s: Subgraph) => median(rows.map((r) => r.subgraphCpuMs[s]));
      const sum = median(rows.map((r) => SUBGRAPHS.reduce((total, s) => total + r.subgraphCpuMs[s], 0)));
      const net = median(rows.map((r) => SUBGRAPHS.reduce((total, s) => total + r.subgraphCpuMs[s], 0) - ((target.idleMsPerSecond ?? 0) * r.seconds) / Math.max(1, r.requests)));
      const f = (v: number, w = 8) => v.toFixed(2).padStart(w);
      console.log(`${page.padEnd(9)}${target.label.padEnd(22)}${String(rows.reduce((n, r) => n + r.requests, 0)).padStart(7)}${f(median(rows.map((r) => r.p50Ms)))}${f(median(rows.map((r) => r.p99Ms)))}${f(sg('user'))}${f(sg('transaction'))}${f(sg('safety'))}${f(sum)}${f(net)}${f(median(rows.map((r) => r.gatewayCpuMs)), 9)}`);
    }
  }
}

export async function run(): Promise<void> {
  const settings = {
    sellers: num('SUBGRAPH_CPU_SELLERS', 20),
    products: num('SUBGRAPH_CPU_PRODUCTS', 100),
    rounds: num('SUBGRAPH_CPU_ROUNDS', 3),
    seconds: num('SUBGRAPH_CPU_SECONDS', 10),
    connections: num('SUBGRAPH_CPU_CONNECTIONS', 1),
  };
  const beforeRef = process.env.SUBGRAPH_CPU_BEFORE;
  const profileDir = process.env.SUBGRAPH_CPU_PROFILE_DIR;
  const stack = await createBenchStack([...SUBGRAPHS], {}, { workers: ['safety'], profileDir });
  const extra: StartedProcess[] = [];
  try {
    await seed(stack.gatewayUrl, settings.sellers, settings.products);
    await waitForCopies(stack.env.DATABASE_URL!, settings.sellers, settings.products);
    const targets: Target[] = [{ label: 'this tree', gatewayUrl: stack.gatewayUrl, gatewayPid: stack.gatewayPid, pids: stack.subgraphPids as Record<Subgraph, number> }];
    if (beforeRef) targets.unshift(await startBefore(beforeRef, stack.env, profileDir, process.env.SUBGRAPH_CPU_BEFORE_GATEWAY === '1', extra));
    const listings = await readListings(stack.env.DATABASE_URL!);
    const pages: Record<string, () => () => MixRequest> = {
      page: () => () => ({ body: JSON.stringify({ query: IDENTICAL_PAGE }) }),
      listing: () => listingStream(listings),
    };
    // Warm-up: caches filled, code optimised, on both; then each one's CPU with no traffic.
    for (const target of targets) for (const make of Object.values(pages)) await runLoad(target.gatewayUrl, [make()], 3_000);
    for (const target of targets) target.idleMsPerSecond = await idleRate(target, 10);
    const measures: Measure[] = [];
    for (let round = 0; round < settings.rounds; round++) {
      for (const page of Object.keys(pages)) {
        const order = round % 2 === 0 ? targets : [...targets].reverse();
        for (const target of order) measures.push(await measure(target, page, round, pages[page]!(), settings.connections, settings.seconds));
      }
    }
    print(measures, targets, Object.keys(pages), settings);
    mkdirSync(new URL('./out/', import.meta.url), { recursive: true });
    writeFileSync(new URL('./out/subgraph-cpu.json', import.meta.url), JSON.stringify({ at: new Date().toISOString(), load: loadavg(), settings, idle: Object.fromEntries(targets.map((t) => [t.label, t.idleMsPerSecond])), measures }, null, 2));
    const errors = measures.reduce((n, m) => n + m.errors, 0);
    if (errors) throw new Error(`subgraph-cpu: ${errors} answers with errors`);
  } finally {
    await Promise.all(extra.reverse().map((p) => p.stop()));
    await stack.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
