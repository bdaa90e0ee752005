import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Queue } from 'bullmq';
import { Redis, type Cluster } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { pino, type Logger } from 'pino';
import { connectRedis, createQueueConnection, queuePrefix, type RedisSettings } from '../../src/redis.ts';
import type { SubgraphName } from '@anshim/contracts';
import { consumerQueueName } from '../../src/events/index.ts';
import { PgSqlClient } from '../../../../test/support/pg-sql-client.ts';
import { redisTargets, type RedisTarget } from '../../../../test/support/redis-cluster.ts';

export { waitFor } from '../../../../test/support/wait-for.ts';

const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgresql://root@127.0.0.1:5432/postgres';
export const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

/** The two tables every service's Prisma schema has, as its migration creates them. */
const BUS_TABLES = `
  CREATE TABLE outbox_events (
    id UUID PRIMARY KEY, topic TEXT NOT NULL, type TEXT NOT NULL, payload JSONB NOT NULL,
    priority INTEGER NOT NULL, created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    published_at TIMESTAMP(3));
  CREATE INDEX outbox_events_published_at_created_at_idx ON outbox_events (published_at, created_at);
  CREATE TABLE processed_events (
    consumer TEXT NOT NULL, event_id UUID NOT NULL,
    processed_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (consumer, event_id));
  -- What test handlers write: one row per applied effect, so "exactly once" is a row count.
  CREATE TABLE effects (consumer TEXT NOT NULL, event_id UUID NOT NULL, type TEXT NOT NULL);
`;

/**
 * One temporary database and Redis namespace for a test file, and a fresh PostgreSQL schema
 * and Redis prefix per test, so tests never see each other's events or queues.
 */
export class EventBusTestEnvironment {
  readonly name = `anshim_test_evt_${randomBytes(4).toString('hex')}`;
  private databaseUrl = '';
  private redisUrl = '';
  private scenarios = 0;
  private readonly leftovers: Array<() => Promise<unknown>> = [];

  /** One Redis by default; a RedisTarget from test/support/redis-cluster.ts runs the file on a cluster too. */
  constructor(private readonly target: RedisTarget = redisTargets(redisUrl)[0]!) {}

  async setUp(): Promise<void> {
    this.redisUrl = await this.target.start();
    await withAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE "${this.name}"`));
    const url = new URL(adminUrl);
    url.pathname = `/${this.name}`;
    this.databaseUrl = url.toString();
  }

  async scenario(): Promise<Scenario> {
    const schema = `s${++this.scenarios}`;
    await withAdmin(this.databaseUrl, (admin) => admin.query(`CREATE SCHEMA ${schema}; SET search_path = ${schema}; ${BUS_TABLES}`));
    const pool = new pg.Pool({ connectionString: this.databaseUrl, options: `-c search_path=${schema}`, max: 8 });
    // An idle client's error is the pool's to report: the teardown's DROP DATABASE … WITH (FORCE) may
    // terminate a backend whose client is still closing (57P01), which would otherwise be an uncaught
    // error of whatever test file runs at that moment (it failed a CI run once).
    pool.on('error', () => undefined);
    const db = new PgSqlClient(pool);
    const redis: RedisSettings = { url: this.redisUrl, prefix: `${this.name}_${this.scenarios}` };
    return new Scenario(db, redis, (dispose) => this.leftovers.push(dispose));
  }

  /** Closes what the last test opened, newest first. */
  async disposeLeftovers(): Promise<void> {
    for (const dispose of this.leftovers.splice(0).reverse()) await dispose();
  }

  async tearDown(): Promise<void> {
    await this.disposeLeftovers();
    if (this.target.cluster) await this.target.stop(); // the whole cluster goes, keys and all
    else await deleteKeys(redisUrl, `${this.name}_*`);
    if (this.databaseUrl) await withAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`));
  }
}

/**
 * Runs `body` on one Redis, and with REDIS_CLUSTER_TEST=1 on a real three-node Redis Cluster too (each
 * BullMQ queue on its own hash tag, every connection a cluster client), each with its own environment.
 */
export function describeOnEachRedis(body: (environment: EventBusTestEnvironment, target: RedisTarget) => void): void {
  describe.each(redisTargets(redisUrl))('on $name', (target) => {
    const environment = new EventBusTestEnvironment(target);
    beforeAll(() => environment.setUp(), 60_000);
    afterEach(() => environment.disposeLeftovers());
    afterAll(() => environment.tearDown());
    body(environment, target);
  });
}

export class Scenario {
  readonly logger: Logger = pino({ level: 'silent' });

  constructor(
    readonly db: PgSqlClient,
    readonly redis: RedisSettings,
    private readonly onDispose: (dispose: () => Promise<unknown>) => void,
  ) {
    onDispose(() => db.end());
  }

  /** Registers something to close after the test; returns it for chaining. */
  track<T>(resource: T, dispose: (resource: T) => Promise<unknown>): T {
    this.onDispose(() => dispose(resource));
    return resource;
  }

  /** A consumer service's queue, to inspect jobs or inject deliveries the relay would not make. */
  queue(service: SubgraphName): Queue {
    const connection = createQueueConnection(this.redis);
    const queue = new Queue(consumerQueueName(service), { connection, prefix: queuePrefix(this.redis, consumerQueueName(service)) });
    return this.track(queue, async (q) => {
      await q.close();
      connection.disconnect();
    });
  }

  async effects(consumer?: SubgraphName): Promise<Array<{ consumer: string; event_id: string; type: string }>> {
    return consumer
      ? this.db.$queryRawUnsafe('SELECT * FROM effects WHERE consumer = $1', consumer)
      : this.db.$queryRawUnsafe('SELECT * FROM effects');
  }

  /** Every Redis key of this scenario with its hash slot and the master that holds it (on a cluster). */
  async clusterKeys(): Promise<Array<{ key: string; slot: number; node: string }>> {
    const cluster = connectRedis(this.redis.url) as unknown as Cluster;
    try {
      await new Promise((ready) => cluster.once('ready', ready));
      const found: Array<{ key: string; slot: number; node: string }> = [];
      for (const node of cluster.nodes('master')) {
        for (let cursor = '0'; ; ) {
          const [next, keys] = await node.scan(cursor, 'MATCH', `${this.redis.prefix}:*`, 'COUNT', 1000);
          for (const key of keys) found.push({ key, slot: Number(await node.call('CLUSTER', 'KEYSLOT', key)), node: `${node.options.host}:${node.options.port}` });
          if ((cursor = next) === '0') break;
        }
      }
      return found;
    } finally {
      cluster.disconnect();
    }
  }

  async unsentCount(): Promise<number> {
    const [row] = await this.db.$queryRawUnsafe<Array<{ n: number }>>('SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL');
    return row!.n;
  }
}

/** A logger whose warnings the test can read. */
export function recordingLogger(): { logger: Logger; lines: Array<{ level: number; msg: string }> } {
  const lines: Array<{ level: number; msg: string }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, sink), lines };
}

export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

async function deleteKeys(url: string, pattern: string): Promise<void> {
  const redis = new Redis(url);
  for (let cursor = '0'; ; ) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    if ((cursor = next) === '0') break;
  }
  redis.disconnect();
}

async function withAdmin<T>(connectionString: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
