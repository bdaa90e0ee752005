// products-page: a 20-product page with `seller { nickname }`, through the gateway (transaction
// + user subgraphs joined by federation) and directly against the transaction subgraph (same
// page, `seller { id }`: the subgraph alone cannot know nicknames), side by side in one run.
// Real processes on free ports, a fresh database and Redis prefix, seeded through the API.
//   node --import tsx bench/products-page.ts        (or: npm run bench products-page)
// Settings: BENCH_DURATION_MS (default 8000 per target), BENCH_CONNECTIONS (default 10).
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { Redis } from 'ioredis';
import { deployMigrations, ensureDatabase } from '../scripts/lib/migrations.ts';
import { startProcess, type StartedProcess } from '../test/support/processes.ts';

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

/** Bounded closed-loop load: `connections` clients send back to back for `durationMs`. */
export async function load(target: string, url: string, query: string, options: { durationMs: number; connections: number }): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const body = JSON.stringify({ query });
  const { hostname, port, pathname } = new URL(url);
  const latencies: number[] = [];
  let errors = 0;
  const send = () =>
    new Promise<boolean>((resolve) => {
      const req = request({ hostname, port, path: pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
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

async function gql<T>(url: string, query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) });
  const json = (await res.json()) as { data?: T; errors?: unknown };
  if (json.errors || !json.data) throw new Error(`seeding failed: ${JSON.stringify(json.errors)}`);
  return json.data;
}

export async function run(): Promise<LoadResult[]> {
  const durationMs = Number(process.env.BENCH_DURATION_MS ?? 8_000);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
  const suffix = randomBytes(4).toString('hex');
  const admin = new URL(process.env.BENCH_DATABASE_URL ?? 'postgresql://root@127.0.0.1:5432/postgres');
  const databaseUrl = Object.assign(new URL(admin), { pathname: `/anshim_bench_${suffix}` }).toString();
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: `anshim_bench_${suffix}`,
    INTERNAL_SECRET: randomBytes(32).toString('hex'),
    JWT_SECRET: randomBytes(32).toString('hex'),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'info',
  };
  const processes: StartedProcess[] = [];
  try {
    await ensureDatabase(databaseUrl);
    for (const service of ['user', 'transaction']) await deployMigrations({ databaseUrl, service, log: () => undefined });
    const [user, transaction, uncached] = await Promise.all([
      startProcess('user', 'subgraphs/user/src/index.ts', { ...env, USER_PORT: '0' }),
      startProcess('transaction', 'subgraphs/transaction/src/index.ts', { ...env, TRANSACTION_PORT: '0' }),
      // The same subgraph with the product cache off: what a page costs in PostgreSQL.
      startProcess('transaction-nocache', 'subgraphs/transaction/src/index.ts', { ...env, TRANSACTION_PORT: '0', PRODUCT_CACHE: 'false', TRANSACTION_CONSUME_EVENTS: 'false' }),
    ]);
    processes.push(user, transaction, uncached);
    const subgraphUrl = `http://127.0.0.1:${transaction.port}/graphql`;
    const gateway = await startProcess('gateway', 'gateway/src/index.ts', {
      ...env,
      GATEWAY_PORT: '0',
      SUBGRAPH_URLS: JSON.stringify({ user: `http://127.0.0.1:${user.port}/graphql`, transaction: subgraphUrl }),
    });
    processes.push(gateway);
    const gatewayUrl = `http://127.0.0.1:${gateway.port}/graphql`;

    // 10 sellers × 10 products: each page of 20 names several different sellers.
    for (let s = 0; s < 10; s++) {
      const { register } = await gql<{ register: { accessToken: string } }>(
        gatewayUrl,
        'mutation($input: RegisterInput!) { register(input: $input) { accessToken } }',
        { input: { email: `seller${s}.${suffix}@bench.test`, password: 'bench password 123', nickname: `판매자${s}` } },
      );
      for (let p = 0; p < 10; p++) {
        await gql(gatewayUrl, 'mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }', {
          input: { title: `벤치 상품 ${s}-${p}`, description: '성능 측정용 상품입니다.', price: 1_000 * (p + 1), category: 'OTHER' },
        }, register.accessToken);
      }
    }

    const options = { durationMs, connections };
    await load('warm-up', gatewayUrl, PAGE_VIA_GATEWAY, { durationMs: 1_500, connections });
    await load('warm-up', `http://127.0.0.1:${uncached.port}/graphql`, PAGE_DIRECT, { durationMs: 1_000, connections });
    const results = [
      await load('gateway (user + transaction)', gatewayUrl, PAGE_VIA_GATEWAY, options),
      await load('transaction subgraph', subgraphUrl, PAGE_DIRECT, options),
      await load('transaction subgraph, cache off', `http://127.0.0.1:${uncached.port}/graphql`, PAGE_DIRECT, options),
    ];
    print(results, options);
    mkdirSync(new URL('./out/', import.meta.url), { recursive: true });
    writeFileSync(new URL('./out/products-page.json', import.meta.url), JSON.stringify({ at: new Date().toISOString(), ...options, results }, null, 2));
    return results;
  } finally {
    await Promise.all(processes.reverse().map((p) => p.stop()));
    await dropDatabase(admin, suffix).catch(() => undefined);
    await dropRedisKeys(redisUrl, `anshim_bench_${suffix}`).catch(() => undefined);
  }
}

function print(results: LoadResult[], options: { durationMs: number; connections: number }): void {
  console.log(`\nproducts-page: 20 products per page, ${options.connections} connections, ${options.durationMs / 1000} s per target`);
  console.log(`${'target'.padEnd(34)}${'req/s'.padStart(8)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'errors'.padStart(8)}`);
  for (const r of results) {
    console.log(`${r.target.padEnd(34)}${String(r.requestsPerSecond).padStart(8)}${r.p50Ms.toFixed(2).padStart(9)}${r.p99Ms.toFixed(2).padStart(9)}${String(r.errors).padStart(8)}`);
  }
}

async function dropDatabase(admin: URL, suffix: string): Promise<void> {
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "anshim_bench_${suffix}" WITH (FORCE)`);
  await client.end();
}

async function dropRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  for (let cursor = '0'; ; ) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length) await redis.unlink(...keys);
    if ((cursor = next) === '0') break;
  }
  redis.disconnect();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
