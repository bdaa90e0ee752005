import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { CONSUMED_EVENTS, type SubgraphName, isEventType, isSubscribed, type EventType, type SubscribedEventType } from '@anshim/contracts';
import type { Logger } from '../logger.ts';
import { createQueueConnection, queuePrefix, type RedisSettings } from '../redis.ts';
import { DeadLetters } from './dead-letters.ts';
import { closeWorkerWithin } from './worker-close.ts';
import { eventEnvelopeSchema, parseEnvelope, type EventEnvelope } from './envelope.ts';
import { batchHandlerOf, DEFAULT_BATCH, Gate, MicroBatcher, type BatchSettings } from './event-batches.ts';
import { relevanceOf } from './event-relevance.ts';
import { isDependencyFailure, QueueBreaker, PAUSABLE_LIMITER, type BreakerSettings } from './queue-breaker.ts';
import { countRetry, watchQueue } from './queue-metrics.ts';
import { consumerQueueName } from './queues.ts';
import { currentRetrySchedule, windowedBackoff, type RetrySchedule } from './retry-schedule.ts';
import type { SqlExecutor, TransactionalSqlClient } from './sql-client.ts';

/** Runs inside the transaction that records the event as processed: write through `tx` only. */
export type EventHandler<T extends EventType, Tx> = (event: EventEnvelope<T>, tx: Tx) => Promise<void>;

/** Handlers may only be written for event types the service subscribes to. */
export type EventHandlers<S extends SubgraphName, Tx> = {
  [T in EventType]?: T extends SubscribedEventType<S> ? EventHandler<T, Tx> : never;
};

/** The types CONSUMED_EVENTS lists for the service that `handled` does not cover (its queue would get them for nothing). */
export function unhandledConsumedEvents(service: SubgraphName, handled: readonly EventType[]): EventType[] {
  return (CONSUMED_EVENTS[service] as readonly EventType[]).filter((type) => !handled.includes(type));
}

/** What a job's handling came to; stored by BullMQ as the job's return value ('ignored': no handler, or one whose onlyWhen passed it over). */
export type EventOutcome = 'processed' | 'duplicate' | 'ignored';

export interface EventConsumerOptions<S extends SubgraphName, Tx extends SqlExecutor> {
  service: S;
  prisma: TransactionalSqlClient<Tx>;
  redis: RedisSettings;
  logger: Logger;
  handlers: EventHandlers<S, Tx>;
  /** Jobs handled in parallel by this process. Default 5. */
  concurrency?: number;
  /**
   * Caps the attempts the producer's relay granted each job (the smaller wins): BullMQ
   * stores attempts on the job when it is enqueued, so a worker cannot raise them.
   */
  attempts?: number;
  /** Longest a handler's transaction may stay open. Default 15000 (Prisma's own is 5000). */
  transactionTimeoutMs?: number;
  /**
   * How long a job stays claimed without its worker renewing the claim; also how often stalled
   * jobs are looked for. Jobs of a worker that died (kill -9, OOM) are taken over after one to two
   * of these. Default 30000 (BullMQ's); too short under load makes healthy jobs look stalled.
   */
  lockDurationMs?: number;
  /** How long and how far apart failing events are retried. Default: the process' (configureRetrySchedule). */
  retry?: RetrySchedule;
  /** The queue's breaker (pauses on dependency outages); tests shorten the pauses. */
  breaker?: Partial<BreakerSettings>;
  /**
   * Batches for the types whose handlers are marked `inBatches` (event-batches.ts); used only when
   * there is such a handler. The worker then holds up to `concurrency + maxEvents × parallel` jobs,
   * and the other types still run at most `concurrency` at once.
   */
  batch?: Partial<BatchSettings>;
}

/**
 * Consumes the service's event queue: validates each event against the catalogue and runs
 * its handler in one transaction with the processed-events record, so a redelivered event
 * changes nothing. Jobs that fail for good move to dead letters.
 */
export class EventConsumer<S extends SubgraphName, Tx extends SqlExecutor = SqlExecutor> {
  private readonly service: S;
  private readonly logger: Logger;
  private readonly handlers: Partial<Record<EventType, EventHandler<EventType, Tx>>>;
  private readonly connection: Redis;
  private readonly worker: Worker<unknown, EventOutcome>;
  private readonly deadLetters: DeadLetters;
  private readonly breaker: QueueBreaker;
  private unwatch: (() => void) | undefined;
  private collecting: Promise<void> | undefined;
  private collectAgain = false;
  private readonly batcher: MicroBatcher<EventOutcome> | undefined;
  private readonly singles: Gate;

  constructor(private readonly options: EventConsumerOptions<S, Tx>) {
    this.service = options.service;
    this.logger = options.logger.child({ component: 'event-consumer', consumer: options.service });
    this.handlers = options.handlers as Partial<Record<EventType, EventHandler<EventType, Tx>>>;
    for (const type of Object.keys(this.handlers)) {
      if (!isEventType(type) || !isSubscribed(this.service, type)) {
        throw new Error(`${this.service} has a handler for ${type}, which CONSUMED_EVENTS (@anshim/contracts) does not list for it: its events would never reach this queue`);
      }
    }
    const concurrency = options.concurrency ?? 5;
    const batch = { ...DEFAULT_BATCH, ...options.batch };
    const batching = Object.values(this.handlers).some((handler) => batchHandlerOf(handler) !== undefined);
    this.singles = new Gate(concurrency);
    this.batcher = batching
      ? new MicroBatcher<EventOutcome>(
          batch,
          (events) => this.handleBatch(events),
          (event) => this.singles.run(() => this.handleOne(event)),
          (error, size) => this.logger.warn({ err: error, size }, 'event batch failed; handling its events one by one'),
        )
      : undefined;
    this.connection = createQueueConnection(options.redis);
    this.breaker = new QueueBreaker(consumerQueueName(this.service), this.logger, options.breaker);
    this.worker = new Worker(consumerQueueName(this.service), (job) => this.breaker.run(this.worker, this.connection, () => this.handle(job)), {
      connection: this.connection,
      prefix: queuePrefix(options.redis, consumerQueueName(this.service)),
      // Each job records which replica ran it (BullMQ's processedBy): with N instances of a service,
      // an operator (and the scale-out e2e) can tell whose worker handled an event.
      name: `${this.service}@${hostname()}/${process.pid}`,
      concurrency: batching ? concurrency + batch.maxEvents * batch.parallel : concurrency,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.lockDurationMs ?? 30_000,
      settings: { backoffStrategy: windowedBackoff(options.retry ?? currentRetrySchedule()) },
      ...PAUSABLE_LIMITER,
      autorun: false,
    });
    this.worker.on('error', (error) => this.logger.error({ err: error }, 'event worker error'));
    this.worker.on('failed', (job, error) => {
      const finalFailure = job?.finishedOn !== undefined;
      this.logger.warn(
        { err: error, jobId: job?.id, type: job?.name, attemptsMade: job?.attemptsMade, final: finalFailure },
        finalFailure ? 'event failed for good; moving to dead letters' : 'event failed; will retry',
      );
      if (finalFailure) this.collectDeadLetters();
      else countRetry(this.service, job?.name ?? 'unknown');
    });
    this.deadLetters = new DeadLetters(this.service, options.redis);
  }

  /** The event types this consumer has handlers for. */
  handledTypes(): EventType[] {
    return Object.keys(this.handlers) as EventType[];
  }

  /** Starts consuming. Also moves failures a previous process left behind to dead letters. */
  start(): void {
    if (this.worker.isRunning()) return;
    this.collectDeadLetters();
    this.unwatch = watchQueue({ queue: this.deadLetters.consumerQueue, redis: this.connection, consumer: this.service, breaker: this.breaker, deadLetters: () => this.deadLetters.countByType() });
    this.worker.run().catch((error: unknown) => this.logger.error({ err: error }, 'event worker stopped'));
  }

  /** Resolves once the worker is connected; handy for tests and readiness probes. */
  async waitUntilReady(): Promise<void> {
    await this.worker.waitUntilReady();
  }

  /** Lets the jobs in progress finish, takes no new ones, then disconnects. SIGTERM-safe. */
  async close(): Promise<void> {
    this.unwatch?.();
    await closeWorkerWithin(this.worker, [this.connection], this.logger);
    await this.collecting;
    await this.deadLetters.close();
    this.connection.disconnect();
  }

  private async handle(job: Job<unknown, EventOutcome>): Promise<EventOutcome> {
    const shape = eventEnvelopeSchema.safeParse(job.data);
    if (!shape.success) throw new UnrecoverableError(`invalid envelope: ${z.prettifyError(shape.error)}`);
    const handler = isEventType(shape.data.type) ? this.handlers[shape.data.type] : undefined;
    if (!handler) return 'ignored';
    const parsed = parseEnvelope(job.data);
    if (!parsed.ok) throw new UnrecoverableError(parsed.reason);
    const event = parsed.envelope;

    try {
      const relevant = relevanceOf(handler);
      if (relevant && !relevant(event)) return await this.singles.run(() => this.passOver(event));
      return this.batcher && batchHandlerOf(handler) ? await this.batcher.submit(event) : await this.singles.run(() => this.handleOne(event));
    } catch (error) {
      if (isDependencyFailure(error)) throw error; // the breaker's: the job keeps its tries
      const granted = job.opts.attempts ?? 1;
      const cap = this.options.attempts ?? granted;
      if (error instanceof UnrecoverableError || job.attemptsMade + 1 < cap || cap >= granted) throw error;
      // BullMQ would retry further; this consumer's policy says stop here.
      throw new UnrecoverableError(`${(error as Error).message} (gave up after ${cap} attempts)`);
    }
  }

  /** An event its handler does not act on (onlyWhen): recorded as seen in one statement, no transaction. */
  private async passOver(event: EventEnvelope<EventType>): Promise<EventOutcome> {
    const claimed = await this.options.prisma.$executeRawUnsafe(
      'INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2::uuid) ON CONFLICT DO NOTHING',
      this.service,
      event.id,
    );
    return claimed === 0 ? 'duplicate' : 'ignored';
  }

  /** One event in its own transaction with its processed-events record. */
  private async handleOne(event: EventEnvelope<EventType>): Promise<EventOutcome> {
    const handler = this.handlers[event.type]!;
    return this.options.prisma.$transaction(
      async (tx) => {
        const claimed = await tx.$executeRawUnsafe(
          'INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2::uuid) ON CONFLICT DO NOTHING',
          this.service,
          event.id,
        );
        if (claimed === 0) return 'duplicate';
        await handler(event, tx);
        return 'processed';
      },
      { timeout: this.options.transactionTimeoutMs ?? 15_000 },
    );
  }

  /**
   * Several events of batchable types in one transaction: one INSERT records them all (those
   * already recorded, or repeated in the batch, come back as duplicates), then each type's batch
   * handler gets its new events. Throws when any handler does (the MicroBatcher then retries
   * each event on its own); answers one outcome per event, in order.
   */
  private async handleBatch(events: Array<EventEnvelope<EventType>>): Promise<EventOutcome[]> {
    return this.options.prisma.$transaction(
      async (tx) => {
        const rows = await tx.$queryRawUnsafe<Array<{ event_id: string }>>(
          `INSERT INTO processed_events (consumer, event_id)
           SELECT $1, id FROM unnest($2::uuid[]) AS t(id)
           ON CONFLICT DO NOTHING RETURNING event_id::text AS event_id`,
          this.service,
          events.map((event) => event.id),
        );
        const claimed = new Set(rows.map((row) => row.event_id.toLowerCase()));
        const byType = new Map<EventType, Array<EventEnvelope<EventType>>>();
        const outcomes = events.map((event): EventOutcome => {
          if (!claimed.delete(event.id.toLowerCase())) return 'duplicate'; // recorded before, or earlier in this batch
          const group = byType.get(event.type);
          if (group) group.push(event);
          else byType.set(event.type, [event]);
          return 'processed';
        });
        for (const [type, group] of byType) await batchHandlerOf<Tx>(this.handlers[type])!(group, tx);
        return outcomes;
      },
      { timeout: this.options.transactionTimeoutMs ?? 15_000 },
    );
  }

  /** One sweep at a time; a failure during a sweep asks for one more. */
  private collectDeadLetters(): void {
    if (this.collecting) {
      this.collectAgain = true;
      return;
    }
    this.collecting = (async () => {
      do {
        this.collectAgain = false;
        try {
          const moved = await this.deadLetters.collectFailed();
          if (moved > 0) this.logger.warn({ moved }, 'moved failed events to dead letters');
        } catch (error) {
          this.logger.error({ err: error }, 'could not move failed events to dead letters');
        }
      } while (this.collectAgain);
    })().finally(() => {
      this.collecting = undefined;
    });
  }
}
