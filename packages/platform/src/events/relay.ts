import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { consumersOf, isEventType, type SubgraphName, subscribersOf, type Topic } from '@anshim/contracts';
import type { Logger } from '../logger.ts';
import { connectRedis, queuePrefix, type RedisSettings } from '../redis.ts';
import { consumerQueueName, DEFAULT_RETRY_POLICY, eventJobOptions, type RetryPolicy } from './queues.ts';
import type { TransactionalSqlClient } from './sql-client.ts';
import { EntityInvalidator, versionKeysOf } from './entity-invalidation.ts';

export interface OutboxRelayOptions {
  prisma: TransactionalSqlClient;
  /** The producing service, for logs. */
  service: SubgraphName;
  redis: RedisSettings;
  logger: Logger;
  /** How often to look for unsent rows when nobody nudges. Default 1000. */
  pollIntervalMs?: number;
  /** Rows per pass; a full batch triggers the next pass at once. Default 100. */
  batchSize?: number;
  /** Attempts and backoff each consumer gets for the jobs this relay enqueues. */
  retry?: Partial<RetryPolicy>;
  /** Give up on one enqueue after this long (Redis down); the row stays unsent. Default 5000. */
  publishTimeoutMs?: number;
  /** The gateway entity cache's second invalidation after this long (entity-invalidation.ts). Default 1000; 0: none. */
  entityCacheSettleMs?: number;
}

interface OutboxRow {
  id: string;
  topic: string;
  type: string;
  payload: string;
  priority: number;
}

/** Rolls a pass back when the queues refused its rows. */
class NothingPublished extends Error {}

/**
 * Moves unsent outbox rows to the queue of every service subscribed to their topic, then
 * marks them sent. Runs in the producing service's process; several replicas can run at once
 * because rows are claimed with `FOR UPDATE SKIP LOCKED`.
 *
 * Delivery is at least once: a crash after enqueueing but before marking leaves the row
 * unsent, and the next pass enqueues it again under the same job id, which BullMQ ignores
 * (and consumers skip if the job was already cleaned up).
 */
export class OutboxRelay {
  private readonly prisma: TransactionalSqlClient;
  private readonly logger: Logger;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly retry: RetryPolicy;
  private readonly publishTimeoutMs: number;
  private connection: Redis | undefined;
  private readonly queues = new Map<SubgraphName, Queue>();
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private currentPass: Promise<void> | undefined;
  private passRequested = false;
  private readonly invalidator: EntityInvalidator;

  constructor(private readonly options: OutboxRelayOptions) {
    this.prisma = options.prisma;
    this.logger = options.logger.child({ component: 'outbox-relay' });
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.batchSize = options.batchSize ?? 100;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.publishTimeoutMs = options.publishTimeoutMs ?? 5_000;
    this.invalidator = new EntityInvalidator(() => this.redisConnection(), this.logger, options.entityCacheSettleMs ?? 1_000);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Publishes soon, without waiting for the poll interval. Call it after committing an event. */
  nudge(): void {
    if (!this.running) return;
    if (this.currentPass) {
      this.passRequested = true; // the running pass may have selected its rows before the commit
      return;
    }
    this.schedule(0);
  }

  /** Finishes the pass in progress, then closes the queues. Unsent rows wait for the next start. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.currentPass;
    this.invalidator.stop();
    await Promise.allSettled([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
    this.connection?.disconnect();
    this.connection = undefined;
  }

  /** One pass: publishes up to `batchSize` unsent rows and returns how many were published. */
  async publishPending(): Promise<number> {
    try {
      return await this.prisma.$transaction(
        async (tx) => {
          // Claim and mark in one statement (one round trip less per pass: the relay runs a pass
          // after nearly every commit under load). The mark only holds if the transaction commits,
          // and it commits only after the queues took the rows.
          const rows = await tx.$queryRawUnsafe<OutboxRow[]>(
            `WITH picked AS (
               SELECT id FROM outbox_events
                WHERE published_at IS NULL
                ORDER BY created_at
                LIMIT $1
                  FOR UPDATE SKIP LOCKED
             ),
             marked AS (
               UPDATE outbox_events o SET published_at = clock_timestamp()
                 FROM picked WHERE o.id = picked.id
               RETURNING o.id, o.topic, o.type, o.payload, o.priority, o.created_at
             )
             SELECT id::text AS id, topic, type, payload::text AS payload, priority FROM marked ORDER BY created_at`,
            this.batchSize,
          );
          if (rows.length === 0) return 0;
          // One pipelined addBulk per subscriber for the whole batch, not one round trip per row:
          // under load the relay was the slowest step between a commit and its consumers.
          try {
            await this.enqueueAll(rows);
          } catch (error) {
            // The rows stay unsent (the mark rolls back) and go again next pass under the same job ids (BullMQ ignores repeats).
            this.logger.warn({ err: error, rows: rows.length, first: rows[0]!.id }, 'could not publish event; will retry');
            throw new NothingPublished();
          }
          return rows.length;
        },
        // Enqueueing happens while the rows are locked: allow a full batch plus one slow timeout.
        { timeout: this.publishTimeoutMs * 2 + this.batchSize * 100 },
      );
    } catch (error) {
      if (error instanceof NothingPublished) return 0;
      throw error;
    }
  }

  private async enqueueAll(rows: OutboxRow[]): Promise<void> {
    const byService = new Map<SubgraphName, Array<{ name: string; data: unknown; opts: ReturnType<typeof eventJobOptions> }>>();
    const published: Array<{ type: string; envelope: unknown }> = [];
    for (const row of rows) {
      const envelope: unknown = JSON.parse(row.payload);
      published.push({ type: row.type, envelope });
      // Only the services that handle the type (CONSUMED_EVENTS). A type this process does not know
      // (it cannot write one: outboxRowOf refuses it) would go to its topic's readers, as before.
      for (const service of isEventType(row.type) ? consumersOf(row.type) : subscribersOf(row.topic as Topic)) {
        let jobs = byService.get(service);
        if (!jobs) byService.set(service, (jobs = []));
        jobs.push({ name: row.type, data: envelope, opts: eventJobOptions(row.id, row.priority, this.retry) });
      }
    }
    // The changes are committed (the rows were written with them): the gateway's cached entity fields
    // they change go now, not after the queues took the jobs (the invalidation lag is the relay's
    // pick-up, not its enqueueing). If the enqueue fails, the rows go again and bump again: harmless.
    const invalidated = this.invalidator.bump(versionKeysOf(published, this.options.redis));
    await Promise.all(
      [...byService].map(([service, jobs]) =>
        withTimeout(this.queueFor(service).addBulk(jobs), this.publishTimeoutMs, `enqueueing ${jobs.length} event(s) into ${consumerQueueName(service)}`),
      ),
    );
    await invalidated; // never throws
  }

  private queueFor(service: SubgraphName): Queue {
    let queue = this.queues.get(service);
    if (!queue) {
      queue = new Queue(consumerQueueName(service), {
        connection: this.redisConnection(),
        prefix: queuePrefix(this.options.redis, consumerQueueName(service)),
      });
      // Without a listener an 'error' event would throw and take the process down.
      queue.on('error', (error) => this.logger.debug({ err: error, queue: queue!.name }, 'queue error'));
      this.queues.set(service, queue);
    }
    return queue;
  }

  /**
   * Not createQueueConnection(): that one queues commands forever (workers need it), which
   * would park a pass, and its row locks, while Redis is down; here commands fail fast.
   * Connecting eagerly matters too: a lazy client makes BullMQ call connect() itself, and a
   * failed first connect would leave the Queue unusable for good.
   */
  private redisConnection(): Redis {
    if (!this.connection) {
      this.connection = connectRedis(this.options.redis.url, {
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        commandTimeout: this.publishTimeoutMs,
      });
      this.connection.on('error', (error) => this.logger.debug({ err: error }, 'redis connection error'));
    }
    return this.connection;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.runPass(), delayMs);
  }

  private runPass(): void {
    if (!this.running || this.currentPass) return;
    this.passRequested = false;
    this.currentPass = this.publishPending()
      .then((count) => {
        if (count === this.batchSize) this.passRequested = true; // a backlog: keep going
      })
      .catch((error: unknown) => this.logger.warn({ err: error }, 'outbox pass failed; will retry'))
      .finally(() => {
        this.currentPass = undefined;
        if (this.running) this.schedule(this.passRequested ? 0 : this.pollIntervalMs);
      });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms ${what}`)), ms);
  });
  promise.catch(() => undefined); // a late rejection after the timeout is expected, not unhandled
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
