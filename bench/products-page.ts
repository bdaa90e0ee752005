// products-page: a 20-product page with `seller { nickname }`, through the gateway (transaction
// + user subgraphs joined by federation) and directly against the transaction subgraph (same
// page, `seller { id }`: the subgraph alone cannot know nicknames), side by side in one run.
// Real processes on free ports, a fresh database and Redis prefix, seeded through the API.
//   node --import tsx bench/products-page.ts        (or: npm run bench products-page)
// Settings: BENCH_DURATION_MS (default 8000 per target), BENCH_CONNECTIONS (default 10).
import { Agent, request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { randomUUID } from 'node:crypto';
import { bodySha256, signIdentityHeaders } from '../packages/platform/src/identity.ts';
import { createBenchStack, seedProducts } from './support/bench-stack.ts';

export interface LoadResult {
  target: string;
  requests: number;
  errors: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

const PAGE_VIA_GATEWAY = 'query Page { products(first: 20) { edges { node { id title price seller { nickname } } } } }';
const PAGE_DIRECT = 'query Page { products(first: 20) { edges { node { id title price seller { id } } } } }';

export interface LoadOptions {
  durationMs: number;
  connections: number;
  /** Extra headers per request; a subgraph called directly needs a fresh signature each time. */
  headers?: (body: string) => Record<string, string>;
}

/**
 * Headers that let the bench call a subgraph directly as an anonymous visitor, as the gateway does:
 * subgraphs answer nothing unsigned (ARCHITECTURE §8), so an unsigned direct load measures only 401s.
 */
export function anonymousSubgraphHeaders(internalSecret: string, subgraph: string, url: string): (body: string) => Record<string, string> {
  const path = new URL(url).pathname;
  return (body) => signIdentityHeaders(internalSecret, null, { method: 'POST', subgraph, path, bodySha256: bodySha256(body) }, randomUUID());
}

/** Bounded closed-loop load: `connections` clients send back to back for `durationMs`. */
export async function load(target: string, url: string, query: string, options: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const body = JSON.stringify({ query });
  const { hostname, port, pathname } = new URL(url);
  const latencies: number[] = [];
  let errors = 0;
  const send = () =>
    new Promise<boolean>((resolve) => {
      const req = request({ hostname, port, path: pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...options.headers?.(body) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve(res.statusCode === 200 && !text.includes('"errors"') && text.includes('"edges"'));
        });
      });
      req.on('error', () => resolve(false));
      req.end(body);
    });
  const started = performance.now();
  const deadline = started + options.durationMs;
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const fine = await send();
        latencies.push(performance.now() - t0);
        if (!fine) errors++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0) * 100) / 100;
  return { target, requests: latencies.length, errors, requestsPerSecond: Math.round(latencies.length / seconds), p50Ms: pct(0.5), p99Ms: pct(0.99) };
}

export async function run(): Promise<LoadResult[]> {
  const durationMs = Number(process.env.BENCH_DURATION_MS ?? 8_000);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
  const stack = await createBenchStack(['user', 'transaction']);
  try {
    const { gatewayUrl } = stack;
    const subgraphUrl = stack.subgraphUrls.transaction!;
    // The same subgraph with the product cache off: what a page costs in PostgreSQL.
    const uncachedUrl = await stack.startExtraSubgraph('transaction-nocache', 'transaction', { PRODUCT_CACHE: 'false', TRANSACTION_CONSUME_EVENTS: 'false' });
    // 10 sellers × 10 products: each page of 20 names several different sellers.
    await seedProducts(gatewayUrl, { sellers: 10, productsPerSeller: 10 });

    const options = { durationMs, connections };
    const signed = (url: string) => ({ ...options, headers: anonymousSubgraphHeaders(stack.env.INTERNAL_SECRET!, 'transaction', url) });
    await load('warm-up', gatewayUrl, PAGE_VIA_GATEWAY, { durationMs: 1_500, connections });
    await load('warm-up', uncachedUrl, PAGE_DIRECT, { ...signed(uncachedUrl), durationMs: 1_000 });
    const results = [
      await load('gateway (user + transaction)', gatewayUrl, PAGE_VIA_GATEWAY, options),
      await load('transaction subgraph', subgraphUrl, PAGE_DIRECT, signed(subgraphUrl)),
      await load('transaction subgraph, cache off', uncachedUrl, PAGE_DIRECT, signed(uncachedUrl)),
    ];
    print(results, options);
    // A target that answered with errors is not a fast target: the figures would measure refusals.
    const failing = results.filter((result) => result.errors > 0);
    if (failing.length) throw new Error(`products-page: errors from ${failing.map((r) => `${r.target} (${r.errors})`).join(', ')}`);
    mkdirSync(new URL('./out/', import.meta.url), { recursive: true });
    writeFileSync(new URL('./out/products-page.json', import.meta.url), JSON.stringify({ at: new Date().toISOString(), ...options, results }, null, 2));
    return results;
  } finally {
    await stack.stop();
  }
}

function print(results: LoadResult[], options: { durationMs: number; connections: number }): void {
  console.log(`\nproducts-page: 20 products per page, ${options.connections} connections, ${options.durationMs / 1000} s per target`);
  console.log(`${'target'.padEnd(34)}${'req/s'.padStart(8)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'errors'.padStart(8)}`);
  for (const r of results) {
    console.log(`${r.target.padEnd(34)}${String(r.requestsPerSecond).padStart(8)}${r.p50Ms.toFixed(2).padStart(9)}${r.p99Ms.toFixed(2).padStart(9)}${String(r.errors).padStart(8)}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
