// Stands in for services not built yet (transaction, report, monitor): publishes events through
// the platform's real outbox and relay from a PostgreSQL schema of its own, so safety receives
// them exactly as it will from the real producers. Also injects raw jobs (poison, redeliveries).
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import pg from 'pg';
import { pino } from 'pino';
import {
  consumerQueueName,
  createQueueConnection,
  queuePrefix,
  recordEvent,
  type EventData,
  type EventEnvelope,
  type EventType,
  type RedisSettings,
  type SqlExecutor,
  type SubgraphName,
  type TransactionalSqlClient,
} from '@anshim/platform';
import { OutboxRelay } from '@anshim/platform/events/relay';

class PgExecutor implements SqlExecutor {
  constructor(protected readonly client: pg.Pool | pg.PoolClient) {}
  async $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> {
    return (await this.client.query(query, values)).rowCount ?? 0;
  }
  async $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> {
    return (await this.client.query(query, values)).rows as T;
  }
}

class PgClient extends PgExecutor implements TransactionalSqlClient {
  constructor(private readonly pool: pg.Pool) {
    super(pool);
  }
  async $transaction<R>(fn: (tx: SqlExecutor) => Promise<R>): Promise<R> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(new PgExecutor(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

export interface PublishOptions {
  occurredAt?: Date;
}

export class TestEventPublisher {
  private readonly schema = `test_producer_${randomBytes(4).toString('hex')}`;
  private pool!: pg.Pool;
  private relayPool!: pg.Pool;
  private client!: PgClient;
  private relay!: OutboxRelay;
  private queue!: Queue;
  private connection: ReturnType<typeof createQueueConnection> | undefined;

  constructor(
    private readonly databaseUrl: string,
    readonly redis: RedisSettings,
  ) {}

  async start(): Promise<this> {
    const admin = new pg.Client({ connectionString: this.databaseUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${this.schema}; SET search_path = ${this.schema};
      CREATE TABLE outbox_events (id UUID PRIMARY KEY, topic TEXT NOT NULL, type TEXT NOT NULL, payload JSONB NOT NULL,
        priority INTEGER NOT NULL, created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, published_at TIMESTAMP(3));`);
    await admin.end();
    this.pool = new pg.Pool({ connectionString: this.databaseUrl, options: `-c search_path=${this.schema}`, max: 8 });
    this.client = new PgClient(this.pool);
    // The relay has a connection of its own: at hundreds of publishes a second (bench/score-freshness.ts)
    // it would otherwise wait behind them in the pool's queue, and the events with it.
    this.relayPool = new pg.Pool({ connectionString: this.databaseUrl, options: `-c search_path=${this.schema}`, max: 1 });
    this.relay = new OutboxRelay({ prisma: new PgClient(this.relayPool), service: 'report', redis: this.redis, logger: pino({ level: 'silent' }), pollIntervalMs: 200 });
    this.relay.start();
    this.connection = createQueueConnection(this.redis);
    this.queue = new Queue(consumerQueueName('safety'), { connection: this.connection, prefix: queuePrefix(this.redis) });
    return this;
  }

  /** Records the event in the outbox (validated by the catalogue) and nudges the relay; returns the envelope. */
  async publish<T extends EventType>(type: T, data: EventData<T>, options: PublishOptions = {}): Promise<EventEnvelope<T>> {
    const producer = (type.startsWith('product.') ? 'transaction' : type.slice(0, type.indexOf('.'))) as SubgraphName;
    const subject = data as { userId?: string; targetUserId?: string; sellerId?: string; rateeId?: string };
    const envelope = await this.client.$transaction((tx) =>
      recordEvent(tx, {
        type,
        producer,
        subjectUserId: subject.userId ?? subject.targetUserId ?? subject.rateeId ?? subject.sellerId ?? null,
        data,
        occurredAt: options.occurredAt,
      }),
    );
    this.relay.nudge();
    return envelope;
  }

  /** Puts a job straight into safety's queue, bypassing validation: poison, or a redelivery under a new job id. */
  async inject(envelope: unknown, jobId = `injected-${randomBytes(6).toString('hex')}`): Promise<string> {
    const type = (envelope as { type?: unknown })?.type;
    await this.queue.add(typeof type === 'string' ? type : 'unknown', envelope, { jobId, attempts: 2, backoff: { type: 'fixed', delay: 50 }, removeOnFail: false });
    return jobId;
  }

  /**
   * As if the relay crashed after enqueueing but before marking its rows sent: marks every row
   * unsent and waits until the relay has published them all again. Returns how many.
   */
  async republishAll(): Promise<number> {
    const count = await this.client.$executeRawUnsafe('UPDATE outbox_events SET published_at = NULL');
    this.relay.nudge();
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
      const [row] = await this.client.$queryRawUnsafe<Array<{ n: string }>>('SELECT count(*) AS n FROM outbox_events WHERE published_at IS NULL');
      if (Number(row?.n) === 0) return count;
    }
    throw new Error('the relay did not publish the rows again within 15 s');
  }

  async stop(): Promise<void> {
    await this.relay?.stop();
    await this.queue?.close();
    this.connection?.disconnect();
    await this.pool?.end();
    await this.relayPool?.end();
    const admin = new pg.Client({ connectionString: this.databaseUrl });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`).catch(() => undefined);
    await admin.end();
  }
}
