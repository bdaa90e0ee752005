// The system under a fault test: its own PostgreSQL and Redis (see private-*.ts), every service
// migrated into a fresh database there, and real processes (subgraphs, workers, gateway) that a
// test can kill, restart and point at that PostgreSQL and Redis while they go down and come back.
import { randomBytes } from 'node:crypto';
import { deployMigrations, ensureDatabase } from '../../../scripts/lib/migrations.ts';
import { listServices } from '../../../scripts/lib/services.ts';
import { startProcess, type StartedProcess } from '../../support/processes.ts';
import { PrivatePostgres } from './private-postgres.ts';
import { PrivateRedis } from './private-redis.ts';

// Generous: on a busy 2-core machine compiling a service with tsx alone can take half a minute.
const START_TIMEOUT_MS = 90_000;

export interface FaultStackOptions {
  subgraphs: string[];
  workers?: string[];
  gateway?: boolean;
  env?: Record<string, string>;
  redis?: { persistent?: boolean };
}

export class FaultStack {
  readonly processes = new Map<string, StartedProcess>();
  gatewayUrl = '';
  readonly subgraphUrls: Record<string, string> = {};

  private constructor(
    readonly postgres: PrivatePostgres,
    readonly redis: PrivateRedis,
    readonly databaseUrl: string,
    readonly env: Record<string, string>,
  ) {}

  static async start(options: FaultStackOptions): Promise<FaultStack> {
    const [postgres, redis] = await Promise.all([PrivatePostgres.create(), PrivateRedis.create(options.redis)]);
    const databaseUrl = postgres.url('anshim_faults');
    const env: Record<string, string> = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      REDIS_PREFIX: `anshim_faults_${randomBytes(3).toString('hex')}`,
      INTERNAL_SECRET: randomBytes(32).toString('hex'),
      JWT_SECRET: randomBytes(32).toString('hex'),
      DATA_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      GATEWAY_PORT: '0',
      ...options.env,
    };
    const stack = new FaultStack(postgres, redis, databaseUrl, env);
    try {
      await ensureDatabase(databaseUrl);
      for (const service of listServices()) await deployMigrations({ databaseUrl, service, log: () => undefined });
      await Promise.all(options.subgraphs.map((name) => stack.startSubgraph(name)));
      for (const name of options.workers ?? []) await stack.startWorker(name);
      if (options.gateway ?? true) await stack.startGateway();
      return stack;
    } catch (error) {
      await stack.stop();
      throw error;
    }
  }

  async startSubgraph(name: string, env: Record<string, string> = {}): Promise<StartedProcess> {
    const started = await startProcess(name, `subgraphs/${name}/src/index.ts`, { ...this.env, [`${name.toUpperCase()}_PORT`]: '0', ...env }, { timeoutMs: START_TIMEOUT_MS });
    this.processes.set(name, started);
    this.subgraphUrls[name] = `http://127.0.0.1:${started.port}/graphql`;
    return started;
  }

  async startWorker(name: string, env: Record<string, string> = {}): Promise<StartedProcess> {
    const started = await startProcess(`${name}-worker`, `subgraphs/${name}/src/workers/index.ts`, { ...this.env, ...env }, { readyMessage: 'ready', timeoutMs: START_TIMEOUT_MS });
    this.processes.set(`${name}-worker`, started);
    return started;
  }

  async startGateway(): Promise<StartedProcess> {
    const started = await startProcess('gateway', 'gateway/src/index.ts', { ...this.env, SUBGRAPH_URLS: JSON.stringify(this.subgraphUrls) }, { timeoutMs: START_TIMEOUT_MS });
    this.processes.set('gateway', started);
    this.gatewayUrl = `http://127.0.0.1:${started.port}/graphql`;
    return started;
  }

  process(name: string): StartedProcess {
    const found = this.processes.get(name);
    if (!found) throw new Error(`no process ${name}`);
    return found;
  }

  /** Every process still alive (none crashed on the fault). */
  alive(): Record<string, boolean> {
    return Object.fromEntries([...this.processes].map(([name, p]) => [name, p.child.exitCode === null && p.child.signalCode === null]));
  }

  /** The last log lines of every process, for a failing assertion's message. */
  logs(lines = 20): string {
    return [...this.processes].map(([name, p]) => `--- ${name}\n${p.logs.slice(-lines).join('\n')}`).join('\n');
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.processes.values()].reverse().map((p) => p.stop()));
    this.processes.clear();
    await this.redis.destroy().catch(() => undefined);
    this.postgres.destroy();
  }
}
