// What `npm run dashboard:render` measures: a throw-away Anshim (a fresh database and Redis prefix,
// every subgraph, the safety worker, the payment sandbox and the gateway as real processes on free
// ports, in development mode like `npm start`), and a private Prometheus (Debian's `prometheus`
// package) scraping every process's operations port every 2 s into a temporary directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { SUBGRAPHS } from '@anshim/contracts';
import { startSandbox, type SandboxHandle } from '../../subgraphs/payment/src/sandbox/sandbox-server.ts';
import { freePort } from '../../test/support/free-port.ts';
import { ownerUrls, startTiers } from '../../test/support/owners.ts';
import { startProcess, type StartedProcess } from '../../test/support/processes.ts';
import { deployMigrations, ensureDatabase } from './migrations.ts';
import { listServices } from './services.ts';

export const SCRAPE_SECONDS = 2;

export interface RenderStack {
  gatewayUrl: string;
  /** The user service's operations origin (the seed reads codes from /dev/messages there). */
  userOperationsUrl: string;
  admin: { email: string; password: string };
  sandbox: SandboxHandle;
  /** host:port of every process's /metrics. */
  scrapeTargets: string[];
  stop(): Promise<void>;
}

export async function startRenderStack(log: (line: string) => void): Promise<RenderStack> {
  const suffix = randomBytes(4).toString('hex');
  const adminUrl = new URL(process.env.RENDER_DATABASE_URL ?? 'postgresql://root@127.0.0.1:5432/postgres');
  const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/anshim_render_${suffix}` }).toString();
  const redisUrl = process.env.RENDER_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
  const redisPrefix = `anshim_render_${suffix}`;
  const admin = { email: `admin.${suffix}@example.com`, password: 'dashboard-render-admin' };
  const keys = { PAYMENT_SECRET_KEY: `test_sk_render_${suffix}`, PAYMENT_WEBHOOK_KEY: `render-webhook-${suffix}` };
  const gatewayPort = String(await freePort());
  const gatewayOrigin = `http://127.0.0.1:${gatewayPort}`;
  const sandbox = await startSandbox({ port: 0, secretKey: keys.PAYMENT_SECRET_KEY, webhookKey: keys.PAYMENT_WEBHOOK_KEY, webhookUrl: `${gatewayOrigin}/payments/webhook` });
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: redisPrefix,
    LOG_LEVEL: 'info',
    BOOTSTRAP_ADMIN_EMAIL: admin.email,
    BOOTSTRAP_ADMIN_PASSWORD: admin.password,
    USER_PUBLIC_URL: gatewayOrigin,
    TRANSACTION_PUBLIC_URL: `${gatewayOrigin}/transaction`,
    REPORT_PUBLIC_URL: `${gatewayOrigin}/report`,
    PAYMENT_PUBLIC_URL: gatewayOrigin,
    PAYMENT_APP_RETURN_URL: `${gatewayOrigin}/payments/done`,
    PAYMENT_PROVIDER_URL: sandbox.url,
    SUBGRAPH_TIMEOUT_MS: '60000',
    GATEWAY_OPS_PORT: '0',
    ...keys,
  };
  const processes: StartedProcess[] = [];
  const stop = async () => {
    await Promise.all(processes.reverse().map((p) => p.stop()));
    await sandbox.close();
    await dropDatabase(adminUrl, databaseUrl).catch(() => undefined);
    await dropRedisKeys(redisUrl, redisPrefix).catch(() => undefined);
  };
  try {
    await ensureDatabase(databaseUrl);
    for (const service of listServices()) await deployMigrations({ databaseUrl, service, log: () => undefined });
    log(`database ${databaseUrl.replace(/\/\/[^@]*@/, '//')} migrated`);
    const names = SUBGRAPHS.map(({ name }) => name);
    const subgraphUrls: Record<string, string> = {};
    for (const tier of startTiers(names)) {
      const started = await Promise.allSettled(
        tier.map((name) => {
          const upper = name.toUpperCase();
          return startProcess(name, `subgraphs/${name}/src/index.ts`, { ...ownerUrls(name, subgraphUrls), ...env, [`${upper}_PORT`]: '0', [`${upper}_OPS_PORT`]: '0' }, { timeoutMs: 400_000 });
        }),
      );
      for (const result of started) if (result.status === 'fulfilled') processes.push(result.value);
      const failed = started.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
      for (const p of processes) subgraphUrls[p.name] = `http://127.0.0.1:${p.port}/graphql`;
    }
    const worker = await startProcess('safety-worker', 'subgraphs/safety/src/workers/index.ts', env, { readyMessage: 'ready', timeoutMs: 400_000 });
    processes.push(worker);
    const gateway = await startProcess('gateway', 'gateway/src/index.ts', { ...env, GATEWAY_PORT: gatewayPort, SUBGRAPH_URLS: JSON.stringify(subgraphUrls) }, { timeoutMs: 400_000 });
    processes.push(gateway);
    const origins = processes.map((p) => p.operationsUrl ?? `http://127.0.0.1:${p.port}`);
    log(`${processes.length} processes up: ${processes.map((p) => p.name).join(', ')}`);
    return {
      gatewayUrl: `${gatewayOrigin}/graphql`,
      userOperationsUrl: processes.find((p) => p.name === 'user')!.operationsUrl!,
      admin,
      sandbox,
      scrapeTargets: origins.map((origin) => new URL(origin).host),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface PrivatePrometheus {
  url: string;
  stop(): Promise<void>;
}

/** `prometheus` on a free port with its data in a temporary directory, scraping `targets` every 2 s. */
export async function startPrometheus(targets: string[], binary = process.env.PROMETHEUS_BIN ?? 'prometheus'): Promise<PrivatePrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'anshim-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global:',
      `  scrape_interval: ${SCRAPE_SECONDS}s`,
      `  evaluation_interval: ${SCRAPE_SECONDS}s`,
      'scrape_configs:',
      '  - job_name: anshim',
      `    static_configs: [{ targets: ${JSON.stringify(targets)} }]`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const child: ChildProcess = spawn(binary, [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${stderr.slice(-2000)}`);
    const ready = await fetch(`${url}/-/ready`).then((res) => res.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`prometheus did not become ready: ${stderr.slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function dropDatabase(adminUrl: URL, databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${new URL(databaseUrl).pathname.slice(1)}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

async function dropRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
