// A throw-away Anshim for a benchmark: a fresh database and Redis prefix, the named subgraphs and
// our gateway as real processes on free ports, and cleanup that leaves nothing behind.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { deployMigrations, ensureDatabase } from '../../scripts/lib/migrations.ts';
import { ownerUrls, startTiers } from '../../test/support/owners.ts';
import { startProcess, type StartedProcess } from '../../test/support/processes.ts';
import { gql } from './graphql-client.ts';

export interface BenchStack {
  gatewayUrl: string;
  gatewayPid: number;
  /** The gateway's operations origin (/metrics). */
  gatewayOperationsUrl: string;
  /** Subgraph name → process id (for CPU accounting). */
  subgraphPids: Record<string, number>;
  subgraphUrls: Record<string, string>;
  env: Record<string, string>;
  /** Another instance of a subgraph that the gateway does not route to (e.g. with a setting changed); returns its URL. */
  startExtraSubgraph(name: string, service: string, env: Record<string, string>): Promise<string>;
  /** The last lines a process (gateway, a subgraph, `<service>-worker`) logged: for a bench's error report. */
  recentLogs(name: string, lines?: number): string[];
  stop(): Promise<void>;
}

export interface BenchStackOptions {
  /** Subgraphs whose workers run too (e.g. safety's score recalculation). */
  workers?: string[];
  /** How long one process may take to start; a loaded 2-core machine needs minutes. Default 180 s. */
  startTimeoutMs?: number;
  /** The subgraphs and the gateway (not workers) write V8 CPU profiles to `<profileDir>/<name>/` on exit. */
  profileDir?: string;
}

/** Fresh secrets for one bench run: every process of the run shares them, no other run knows them. */
export function benchSecrets(): Record<'INTERNAL_SECRET' | 'JWT_SECRET' | 'DATA_ENCRYPTION_KEY', string> {
  const secret = () => randomBytes(32).toString('hex');
  return { INTERNAL_SECRET: secret(), JWT_SECRET: secret(), DATA_ENCRYPTION_KEY: secret() };
}

/**
 * Where one bench run keeps its data: a throw-away database (`anshim_bench_<random>`, created by the
 * caller, dropped at its end) and Redis prefix, and the env that points every process at them.
 */
export function benchPlace() {
  const suffix = randomBytes(4).toString('hex');
  const admin = new URL(process.env.BENCH_DATABASE_URL ?? 'postgresql://root@127.0.0.1:5432/postgres');
  const databaseUrl = Object.assign(new URL(admin), { pathname: `/anshim_bench_${suffix}` }).toString();
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
  const redisPrefix = `anshim_bench_${suffix}`;
  const env: Record<string, string> = { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, REDIS_PREFIX: redisPrefix, ...benchSecrets() };
  return { admin, databaseUrl, redisUrl, redisPrefix, env };
}

/** `extraEnv.GATEWAY_PORT` fixes the gateway's port (a provider stand-in must know where to send webhooks); default a free one. */
export async function createBenchStack(services: string[], extraEnv: Record<string, string> = {}, options: BenchStackOptions = {}): Promise<BenchStack> {
  const timeoutMs = options.startTimeoutMs ?? 180_000;
  const { admin, databaseUrl, redisUrl, redisPrefix, env: placeEnv } = benchPlace();
  const env: Record<string, string> = { ...placeEnv, LOG_LEVEL: 'warn', ...extraEnv };
  const processes: StartedProcess[] = [];
  const stop = async () => {
    await Promise.all(processes.reverse().map((p) => p.stop()));
    await dropDatabase(admin, databaseUrl).catch(() => undefined);
    await dropRedisKeys(redisUrl, redisPrefix).catch(() => undefined);
  };
  try {
    await ensureDatabase(databaseUrl);
    for (const service of services) await deployMigrations({ databaseUrl, service, log: () => undefined });
    const subgraphUrls: Record<string, string> = {};
    const nodeArgs = (name: string) => (options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', `${options.profileDir}/${name}`] : []);
    const startSubgraph = (name: string, service: string, serviceEnv: Record<string, string>) =>
      startProcess(name, `subgraphs/${service}/src/index.ts`, { ...ownerUrls(service, subgraphUrls), ...env, LOG_LEVEL: 'info', [`${service.toUpperCase()}_PORT`]: '0', ...serviceEnv }, { timeoutMs, nodeArgs: nodeArgs(name) });
    // Owners first (port 0), so the services reading from them get their real URLs (test/support/owners.ts).
    const startedBy = new Map<string, StartedProcess>();
    for (const tier of startTiers(services)) {
      // allSettled: when one fails to start, the ones that did are still stopped.
      const settled = await Promise.allSettled(tier.map((service) => startSubgraph(service, service, {})));
      settled.forEach((result, i) => {
        if (result.status !== 'fulfilled') return;
        processes.push(result.value);
        startedBy.set(tier[i]!, result.value);
        subgraphUrls[tier[i]!] = `http://127.0.0.1:${result.value.port}/graphql`;
      });
      const failed = settled.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    }
    for (const service of options.workers ?? []) {
      processes.push(await startProcess(`${service}-worker`, `subgraphs/${service}/src/workers/index.ts`, { ...env, LOG_LEVEL: 'info' }, { readyMessage: 'ready', timeoutMs }));
    }
    // The gateway in production mode, as a peer gateway would run (subgraphs would want mail/SMS providers).
    const gateway = await startProcess('gateway', 'gateway/src/index.ts', { ...env, NODE_ENV: 'production', LOG_LEVEL: 'info', GATEWAY_PORT: env.GATEWAY_PORT ?? '0', GATEWAY_OPS_PORT: env.GATEWAY_OPS_PORT ?? '0', SUBGRAPH_URLS: JSON.stringify(subgraphUrls) }, { timeoutMs, nodeArgs: nodeArgs('gateway') });
    processes.push(gateway);
    const startExtraSubgraph = async (name: string, service: string, serviceEnv: Record<string, string>) => {
      const extra = await startSubgraph(name, service, serviceEnv);
      processes.push(extra);
      return `http://127.0.0.1:${extra.port}/graphql`;
    };
    return {
      gatewayUrl: `http://127.0.0.1:${gateway.port}/graphql`,
      gatewayPid: gateway.child.pid!,
      gatewayOperationsUrl: gateway.operationsUrl!,
      subgraphPids: Object.fromEntries(services.map((service) => [service, startedBy.get(service)!.child.pid!])),
      subgraphUrls,
      env,
      startExtraSubgraph,
      recentLogs: (name, lines = 20) => processes.find((p) => p.name === name)?.logs.slice(-lines) ?? [],
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}


/** Sellers with products, so each 20-product page names several different sellers. */
export async function seedProducts(gatewayUrl: string, options: { sellers: number; productsPerSeller: number }): Promise<void> {
  const tag = randomBytes(3).toString('hex');
  for (let s = 0; s < options.sellers; s++) {
    const { register } = await gql<{ register: { accessToken: string } }>(
      gatewayUrl,
      'mutation($input: RegisterInput!) { register(input: $input) { accessToken } }',
      { input: { email: `seller${s}.${tag}@bench.test`, password: 'bench password 123', nickname: `판매자${s}${tag.slice(0, 2)}` } },
    );
    for (let p = 0; p < options.productsPerSeller; p++) {
      await gql(
        gatewayUrl,
        'mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }',
        { input: { title: `벤치 상품 ${s}-${p}`, description: '성능 측정용 상품입니다.', price: 1_000 * (p + 1), category: 'OTHER' } },
        register.accessToken,
      );
    }
  }
}

/** Polls until the endpoint answers a trivial query. */
export async function waitForGraphQL(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await gql(url, '{ __typename }');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

async function dropDatabase(admin: URL, databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
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
