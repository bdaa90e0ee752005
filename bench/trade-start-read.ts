// trade-start-read: what reading both parties' protection from the user service adds to
// startTransaction (issue 18 point 5: a protection setting must never lag behind the member's own
// action, so the trade start asks the owner instead of trusting the event-fed copy). Side by side
// in one process on the same database: a transaction subgraph that reads /internal/user-facts
// (what runs in production) and one built without the read (bench-only option, no setting reaches
// it). Calls go straight to the subgraphs with the gateway's signature; the two variants alternate
// call by call so both see the same load.
//   npm run bench trade-start-read [-- --calls=200]
import { randomBytes, randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { bodySha256, signIdentityHeaders, type Identity } from '@anshim/platform';
import { createBenchDatabase } from '../subgraphs/safety/test/support/bench-database.ts';
import { buildTransactionServer } from '../subgraphs/transaction/src/server.ts';
import { buildUserServer } from '../subgraphs/user/src/server.ts';

type Variant = 'with owner read' | 'copy only';

async function call(url: string, subgraph: 'user' | 'transaction', secret: string, identity: Identity | null, query: string, variables: Record<string, unknown>) {
  const body = JSON.stringify({ query, variables });
  const requestId = randomUUID();
  const headers = { 'content-type': 'application/json', 'x-request-id': requestId, ...signIdentityHeaders(secret, identity, { method: 'POST', subgraph, path: '/graphql', bodySha256: bodySha256(body) }, requestId) };
  const response = await fetch(url, { method: 'POST', headers, body });
  const json = (await response.json()) as { data?: Record<string, any>; errors?: unknown };
  if (json.errors || !json.data) throw new Error(`${subgraph}: ${JSON.stringify(json.errors)}`);
  return json.data;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export async function run(): Promise<Record<Variant, { p50: number; p95: number; p99: number; mean: number }>> {
  const calls = Number(process.argv.find((a) => a.startsWith('--calls='))?.split('=')[1] ?? 200);
  const db = await createBenchDatabase({ services: ['user', 'transaction'] });
  const secret = randomBytes(32).toString('hex');
  const env = {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATABASE_URL: db.databaseUrl,
    REDIS_URL: db.redisUrl,
    REDIS_PREFIX: db.redisPrefix,
    INTERNAL_SECRET: secret,
    JWT_SECRET: randomBytes(32).toString('hex'),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    USER_OPS_PORT: '0',
    TRANSACTION_OPS_PORT: '0',
    DELIVERY_PROVIDER: 'console',
    REGISTER_PER_DOMAIN_MAX: '1000000',
    TRANSACTION_CONSUME_EVENTS: 'false',
    PRODUCT_CACHE: 'false',
  };
  const user = await buildUserServer(env);
  const userUrl = (await user.start(0)).url;
  const withRead = await buildTransactionServer({ ...env, TRANSACTION_USER_SUBGRAPH_URL: userUrl });
  const copyOnly = await buildTransactionServer(env, { withoutOwnerReadForBenchmark: true });
  const urls: Record<Variant, string> = { 'with owner read': (await withRead.start(0)).url, 'copy only': (await copyOnly.start(0)).url };
  try {
    const register = async (n: number) =>
      (await call(userUrl, 'user', secret, null, 'mutation($i: RegisterInput!) { register(input: $i) { user { id } } }', {
        i: { email: `bench${n}.${randomBytes(3).toString('hex')}@bench.test`, password: 'bench password 123', nickname: `벤치${n}` },
      })).register.user.id as string;
    const seller: Identity = { userId: await register(0), role: 'USER' };
    const buyers: Identity[] = [];
    for (let i = 1; i <= 20; i++) buyers.push({ userId: await register(i), role: 'USER' });
    const warmup = 20;
    const products: Record<Variant, string[]> = { 'with owner read': [], 'copy only': [] };
    for (const variant of Object.keys(urls) as Variant[]) {
      for (let i = 0; i < calls + warmup; i++) {
        const { createProduct } = await call(urls[variant], 'transaction', secret, seller, 'mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }', {
          i: { title: `벤치 상품 ${i}`, description: '성능 측정용 상품입니다.', price: 10_000, category: 'OTHER' },
        });
        products[variant].push(createProduct.id);
      }
    }
    const latencies: Record<Variant, number[]> = { 'with owner read': [], 'copy only': [] };
    for (let i = 0; i < calls + warmup; i++) {
      for (const variant of (i % 2 ? ['copy only', 'with owner read'] : ['with owner read', 'copy only']) as Variant[]) {
        const started = performance.now();
        await call(urls[variant], 'transaction', secret, buyers[i % buyers.length]!, 'mutation($id: ID!) { startTransaction(productId: $id) { id status } }', { id: products[variant][i] });
        if (i >= warmup) latencies[variant].push(performance.now() - started);
      }
    }
    const summary = Object.fromEntries(
      (Object.keys(latencies) as Variant[]).map((variant) => {
        const sorted = [...latencies[variant]].sort((a, b) => a - b);
        const round = (v: number) => Math.round(v * 100) / 100;
        return [variant, { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(percentile(sorted, 99)), mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length) }];
      }),
    ) as Record<Variant, { p50: number; p95: number; p99: number; mean: number }>;
    console.log(`startTransaction, ${calls} calls each (after ${warmup} warm-up), straight to the subgraph, ms:`);
    console.table(summary);
    const added = (k: 'p50' | 'p95' | 'p99' | 'mean') => Math.round((summary['with owner read'][k] - summary['copy only'][k]) * 100) / 100;
    console.log(`added by the owner read: p50 ${added('p50')} ms, p95 ${added('p95')} ms, p99 ${added('p99')} ms, mean ${added('mean')} ms`);
    return summary;
  } finally {
    await withRead.stop();
    await copyOnly.stop();
    await user.stop();
    await db.drop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  run().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
