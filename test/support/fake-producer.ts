// Stands in for the services that send a subgraph its events: an outbox of its own (a fresh
// PostgreSQL schema shaped like every service's outbox_events) and the platform's real relay,
// so the service under test receives events exactly as it does from the real producers. The
// outbox is the test's own because a service's shared outbox is drained by every server of
// the test run, each into its own Redis prefix.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  createLogger,
  OutboxRelay,
  recordEvent,
  type EventEnvelope,
  type NewEvent,
  type RedisSettings,
} from '@anshim/platform';
import type { EventType, SubgraphName } from '@anshim/contracts';
import { PgSqlClient } from './pg-sql-client.ts';
import { waitFor } from './wait-for.ts';

export interface FakeProducerOptions {
  databaseUrl: string;
  redis: RedisSettings;
  /** Also relay on the relay's own schedule (e.g. to redeliver rows marked unsent); off: only `publish` relays. */
  pollIntervalMs?: number;
}

export class FakeProducer {
  readonly schema = `fake_producer_${randomBytes(4).toString('hex')}`;
  /** The outbox's SQL client (search_path = this producer's schema). */
  sql!: PgSqlClient;
  relay!: OutboxRelay;
  private relaySql!: PgSqlClient;

  constructor(private readonly options: FakeProducerOptions) {}

  async start(): Promise<this> {
    // LIKE a real service's table: the stand-in outbox follows the migrations.
    await this.admin(`CREATE SCHEMA ${this.schema}; CREATE TABLE ${this.schema}.outbox_events (LIKE svc_user.outbox_events INCLUDING ALL)`);
    const pool = (max: number) => {
      const connections = new pg.Pool({ connectionString: this.options.databaseUrl, options: `-c search_path=${this.schema}`, max });
      // Fault tests restart PostgreSQL under it: an idle client's error must not take the runner down.
      connections.on('error', () => undefined);
      return new PgSqlClient(connections);
    };
    this.sql = pool(8);
    // The relay has a connection of its own: at hundreds of publishes a second (bench/score-freshness.ts)
    // it would otherwise wait behind them in the pool's queue, and the events with it.
    this.relaySql = pool(1);
    const polling = this.options.pollIntervalMs !== undefined;
    // The relay's service name only labels its logs.
    this.relay = new OutboxRelay({ prisma: this.relaySql, service: 'user', redis: this.options.redis, logger: createLogger('fake-producer', 'silent'), pollIntervalMs: this.options.pollIntervalMs ?? 60_000 });
    if (polling) this.relay.start();
    return this;
  }

  /** Commits the event to the outbox and runs one relay pass; returns the envelope. */
  async publish<T extends EventType>(event: NewEvent<T>): Promise<EventEnvelope<T>> {
    const envelope = await this.sql.$transaction((tx) => recordEvent(tx, event));
    await this.relay.publishPending();
    return envelope;
  }

  /** Resolves once `consumer` recorded the event as processed (in the same transaction as its effect). */
  async processedBy(consumer: SubgraphName, eventId: string, timeoutMs = 10_000): Promise<void> {
    await waitFor(
      `${consumer} to process event ${eventId}`,
      async () => {
        const rows = await this.sql.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM svc_${consumer}.processed_events WHERE consumer = $1 AND event_id = $2::uuid`, consumer, eventId);
        return rows.length > 0;
      },
      { timeoutMs },
    );
  }

  async stop(): Promise<void> {
    await this.relay?.stop();
    await this.sql?.end();
    await this.relaySql?.end();
    await this.admin(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`).catch(() => undefined);
  }

  private async admin(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.databaseUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}
