// One way to run a BullMQ job queue inside a service (a sweep every N minutes, a delayed job):
// the queue named by the job catalogue, a worker that parses every payload with the catalogue's
// zod schema (a payload that can never succeed fails with UnrecoverableError instead of being
// retried), an optional repeatable scheduler that is idempotent across replicas and restarts,
// failures logged, and everything closed on stop. Services keep only their handler.
// Retries are the kit's, like the event consumers': exponential with jitter, capped, for up to the
// process' retry window (24 h, events/retry-schedule.ts); a `backoff.delay` the service gives is the
// first delay and an `attempts` it gives is ignored (the window decides). A dependency outage
// (DependencyUnavailableError, PostgreSQL away) spends no try: the queue's breaker pauses it.
import { Queue, UnrecoverableError, Worker, type Job, type JobSchedulerTemplateOptions, type JobsOptions, type RepeatOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { JobType } from '@anshim/contracts';
import type { Logger } from '../logger.ts';
import { closeWorkerWithin } from '../events/worker-close.ts';
import { PAUSABLE_LIMITER, QueueBreaker, type BreakerSettings } from '../events/queue-breaker.ts';
import { countRetry, watchQueue } from '../events/queue-metrics.ts';
import { currentRetrySchedule, windowedBackoff, windowedRetryOptions } from '../events/retry-schedule.ts';
import { createQueueConnection, queuePrefix, type RedisSettings } from '../redis.ts';

export interface JobSchedule {
  /** The scheduler's id: one repeatable job per id, however many replicas register it. */
  id: string;
  repeat: Omit<RepeatOptions, 'key'>;
  /** The payload of every scheduled job; validated like any other. */
  data?: unknown;
  options?: JobSchedulerTemplateOptions;
  /** false: the schedule is switched off by configuration, so start removes it (jobs added by hand still run). */
  enabled?: boolean;
}

export interface JobDefinition<S extends z.ZodType, R> extends JobType<S> {
  handler: (data: z.output<S>, job: Job | undefined) => Promise<R>;
  redis: RedisSettings;
  logger: Logger;
  concurrency?: number;
  /** Options of every job this service adds (priority, first backoff delay, retention…); `add` may override them. */
  defaults?: JobsOptions;
  /** The queue's breaker (pauses on dependency outages); tests shorten the pauses. */
  breaker?: Partial<BreakerSettings>;
  /** A repeatable job, registered on start. */
  schedule?: JobSchedule;
}

export interface DefinedJob<S extends z.ZodType, R> {
  readonly name: string;
  readonly queue: Queue;
  /** Files one job (payload validated first: a bad one is a bug of the caller, thrown at once). */
  add(data: z.input<S>, options?: JobsOptions): Promise<void>;
  /** What the worker does with one payload: validate, then the handler (tests call it directly). */
  run(data: unknown, job?: Job): Promise<R>;
  /** Registers the schedule (if any) and starts the worker; a second call does nothing. */
  start(): Promise<void>;
  /** Resolves once the started worker is connected and taking jobs. */
  waitUntilReady(): Promise<void>;
  /** Stops taking jobs, lets running ones finish, then closes the queue and its connections. */
  close(): Promise<void>;
}

export interface SweepDefinition<R> {
  /** The scheduler's id (one repeatable job however many replicas run). */
  id: string;
  everyMs: number;
  /** One sweep as of `now` (tests call it with a later date). */
  run: (now: Date) => Promise<R>;
  redis: RedisSettings;
  logger: Logger;
  /** The first retry delay of a failed sweep (the kit's schedule after that). */
  firstRetryMs?: number;
}

/** A sweep every `everyMs` as of the moment it runs; keeps the last 50 runs and 100 failures for inspection. */
export function defineSweep<S extends z.ZodType, R>(type: JobType<S>, sweep: SweepDefinition<R>): DefinedJob<S, R> {
  return defineJob({
    ...type,
    handler: () => sweep.run(new Date()),
    redis: sweep.redis,
    logger: sweep.logger,
    schedule: {
      id: sweep.id,
      repeat: { every: sweep.everyMs },
      options: { removeOnComplete: 50, removeOnFail: 100, backoff: { type: 'exponential', delay: sweep.firstRetryMs ?? 5_000 } },
    },
  });
}

export function defineJob<S extends z.ZodType, R>(definition: JobDefinition<S, R>): DefinedJob<S, R> {
  const { name, jobName, schema, handler, redis } = definition;
  const logger = definition.logger.child({ component: name });
  const connection: Redis = createQueueConnection(redis);
  const queue = new Queue(name, { connection, prefix: queuePrefix(redis, name) });
  queue.on('error', (error) => logger.warn({ err: error }, 'job queue error'));
  let worker: Worker | undefined;
  let workerConnection: Redis | undefined;
  let unwatch: (() => void) | undefined;
  const breaker = new QueueBreaker(name, logger, definition.breaker);
  /** The kit's retry schedule over the service's options (its backoff delay is the first delay). */
  const withRetries = <O extends { backoff?: JobsOptions['backoff'] }>(options: O | undefined): O & ReturnType<typeof windowedRetryOptions> =>
    ({ ...options, ...windowedRetryOptions(options?.backoff) }) as O & ReturnType<typeof windowedRetryOptions>;

  const run = async (data: unknown, job?: Job): Promise<R> => {
    const parsed = schema.safeParse(data);
    if (!parsed.success) throw new UnrecoverableError(`invalid ${name} job: ${z.prettifyError(parsed.error)}`);
    return handler(parsed.data, job);
  };

  return {
    name,
    queue,
    run,
    async add(data, options) {
      const parsed = schema.safeParse(data);
      if (!parsed.success) throw new Error(`invalid ${name} job: ${z.prettifyError(parsed.error)}`);
      await queue.add(jobName, parsed.data, withRetries({ ...definition.defaults, ...options }));
    },
    async start() {
      if (worker) return;
      const { schedule } = definition;
      if (schedule?.enabled === false) await queue.removeJobScheduler(schedule.id);
      else if (schedule) await queue.upsertJobScheduler(schedule.id, schedule.repeat, { name: jobName, data: schedule.data ?? {}, opts: withRetries(schedule.options) });
      workerConnection = createQueueConnection(redis);
      const started: Worker = (worker = new Worker(name, (job) => breaker.run(started, connection, () => run(job.data, job)), {
        connection: workerConnection,
        prefix: queuePrefix(redis, name),
        concurrency: definition.concurrency ?? 1,
        settings: { backoffStrategy: windowedBackoff(currentRetrySchedule()) },
        ...PAUSABLE_LIMITER,
      }));
      worker.on('error', (error) => logger.error({ err: error }, 'job worker error'));
      worker.on('failed', (job, error) => {
        const final = job?.finishedOn !== undefined;
        if (!final) countRetry(name, job?.name ?? jobName);
        logger.warn({ err: error, jobId: job?.id, attemptsMade: job?.attemptsMade, final }, final ? 'job failed for good' : 'job failed; will retry');
      });
      unwatch = watchQueue({ queue, redis: connection, consumer: name, breaker, deadLetters: () => failedJobsByName(queue) });
    },
    async waitUntilReady() {
      if (!worker) throw new Error(`${name}: start the job before waiting for it`);
      await worker.waitUntilReady();
    },
    async close() {
      unwatch?.();
      if (worker) await closeWorkerWithin(worker, [workerConnection], logger);
      await queue.close();
      connection.disconnect();
      workerConnection?.disconnect();
    },
  };
}

/** A job queue's dead letters are its failed jobs (kept until replayed or dropped), by job name. */
async function failedJobsByName(queue: Queue): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const job of await queue.getFailed(0, 999)) if (job) counts.set(job.name, (counts.get(job.name) ?? 0) + 1);
  return counts;
}
