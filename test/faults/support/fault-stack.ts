// The system under a fault test: its own PostgreSQL and Redis (see private-*.ts), every service
// migrated into a fresh database there, and real processes (subgraphs, workers, gateway) that a
// test can kill, restart and point at that PostgreSQL and Redis while they go down and come back.
import { randomBytes } from 'node:crypto';
import { deployMigrations, ensureDatabase } from '../../../scripts/lib/migrations.ts';
import { listServices } from '../../../scripts/lib/services.ts';
import { recentWarnings, startProcess, type StartedProcess } from '../../support/processes.ts';
import { ownerUrls, startTiers } from '../../support/owners.ts';
import { PrivatePostgres, type PrivatePostgresOptions } from './private-postgres.ts';
import { PrivateRedis } from './private-redis.ts';

// Generous: on a busy 2-core machine compiling a service with tsx alone can take half a minute.
const START_TIMEOUT_MS = 300_000;

export interface FaultStackOptions {
  subgraphs: string[];
  workers?: string[];
  gateway?: boolean;
  env?: Record<string, string>;
  redis?: { persistent?: boolean };
  /** How its PostgreSQL cluster is set up (the restore drill archives its WAL). */
  postgres?: PrivatePostgresOptions;
}

export class FaultStack {
  readonly processes = new Map<string, StartedProcess>();
  gatewayUrl = '';
  readonly subgraphUrls: Record<string, string> = {};

  private postgresInstance: PrivatePostgres | undefined;
  private redisInstance: PrivateRedis | undefined;
  databaseUrl = '';
  readonly env: Record<string, string>;

  /**
   * Nothing runs yet: call `up()`. Kept apart so that a test's afterAll can always call `stop()`,
   * even when `up()` timed out half-way, and nothing it started is left running.
   */
  constructor(private readonly options: FaultStackOptions) {
    this.env = {
      REDIS_PREFIX: `anshim_faults_${randomBytes(3).toString('hex')}`,
      INTERNAL_SECRET: randomBytes(32).toString('hex'),
      JWT_SECRET: randomBytes(32).toString('hex'),
      DATA_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      GATEWAY_PORT: '0',
      ...options.env,
    };
    live.add(this);
  }

  get postgres(): PrivatePostgres {
    if (!this.postgresInstance) throw new Error('the fault stack is not up');
    return this.postgresInstance;
  }

  get redis(): PrivateRedis {
    if (!this.redisInstance) throw new Error('the fault stack is not up');
    return this.redisInstance;
  }

  async up(): Promise<this> {
    const [postgres, redis] = await Promise.allSettled([PrivatePostgres.create(this.options.postgres), PrivateRedis.create(this.options.redis)]);
    if (postgres.status === 'fulfilled') this.postgresInstance = postgres.value;
    if (redis.status === 'fulfilled') this.redisInstance = redis.value;
    if (postgres.status === 'rejected') throw postgres.reason;
    if (redis.status === 'rejected') throw redis.reason;
    this.databaseUrl = this.postgres.url('anshim_faults');
    Object.assign(this.env, { DATABASE_URL: this.databaseUrl, REDIS_URL: this.redis.url });
    await ensureDatabase(this.databaseUrl);
    for (const service of listServices()) await deployMigrations({ databaseUrl: this.databaseUrl, service, log: () => undefined });
    // Owners first (port 0), so readers get their real URLs (stack.ts).
    for (const tier of startTiers(this.options.subgraphs)) await Promise.all(tier.map((name) => this.startSubgraph(name)));
    for (const name of this.options.workers ?? []) await this.startWorker(name);
    if (this.options.gateway ?? true) await this.startGateway();
    return this;
  }

  async startSubgraph(name: string, env: Record<string, string> = {}): Promise<StartedProcess> {
    const started = await startProcess(name, `subgraphs/${name}/src/index.ts`, { ...ownerUrls(name, this.subgraphUrls), ...this.env, [`${name.toUpperCase()}_PORT`]: '0', ...env }, { timeoutMs: START_TIMEOUT_MS });
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

  /** Each process' last warnings and errors (pino levels 40+, and what was not JSON), for a failure's message. */
  warnings(lines = 15): string {
    return recentWarnings([...this.processes].map(([name, p]) => ({ ...p, name })), lines);
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.processes.values()].reverse().map((p) => p.stop()));
    this.processes.clear();
    await this.redisInstance?.destroy().catch(() => undefined);
    this.postgresInstance?.destroy();
    live.delete(this);
  }

  /** Synchronous last resort at exit: no process of the stack may outlive the runner. */
  killAll(): void {
    for (const p of this.processes.values()) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  }
}

const live = new Set<FaultStack>();
process.once('exit', () => {
  for (const stack of live) stack.killAll();
});
