// One way to run a BullMQ job queue inside a service (a sweep every N minutes, a delayed job):
// the queue named by the job catalogue, a worker that parses every payload with the catalogue's
// zod schema (a payload that can never succeed fails with UnrecoverableError instead of being
// retried), an optional repeatable scheduler that is idempotent across replicas and restarts,
// failures logged, and everything closed on stop. Services keep only their handler.
import { Queue, UnrecoverableError, Worker, type Job, type JobSchedulerTemplateOptions, type JobsOptions, type RepeatOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { JobType } from '@anshim/contracts';
import type { Logger } from '../logger.ts';
import { closeWorkerWithin } from '../events/worker-close.ts';
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
  /** Options of every job this service adds (attempts, backoff, retention…); `add` may override them. */
  defaults?: JobsOptions;
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

export function defineJob<S extends z.ZodType, R>(definition: JobDefinition<S, R>): DefinedJob<S, R> {
  const { name, jobName, schema, handler, redis } = definition;
  const logger = definition.logger.child({ component: name });
  const connection: Redis = createQueueConnection(redis);
  const queue = new Queue(name, { connection, prefix: queuePrefix(redis) });
  queue.on('error', (error) => logger.warn({ err: error }, 'job queue error'));
  let worker: Worker | undefined;
  let workerConnection: Redis | undefined;

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
      await queue.add(jobName, parsed.data, { ...definition.defaults, ...options });
    },
    async start() {
      if (worker) return;
      const { schedule } = definition;
      if (schedule?.enabled === false) await queue.removeJobScheduler(schedule.id);
      else if (schedule) await queue.upsertJobScheduler(schedule.id, schedule.repeat, { name: jobName, data: schedule.data ?? {}, opts: schedule.options });
      workerConnection = createQueueConnection(redis);
      worker = new Worker(name, (job) => run(job.data, job), {
        connection: workerConnection,
        prefix: queuePrefix(redis),
        concurrency: definition.concurrency ?? 1,
      });
      worker.on('error', (error) => logger.error({ err: error }, 'job worker error'));
      worker.on('failed', (job, error) => logger.warn({ err: error, jobId: job?.id }, 'job failed'));
    },
    async waitUntilReady() {
      if (!worker) throw new Error(`${name}: start the job before waiting for it`);
      await worker.waitUntilReady();
    },
    async close() {
      if (worker) await closeWorkerWithin(worker, [workerConnection], logger);
      await queue.close();
      connection.disconnect();
      workerConnection?.disconnect();
    },
  };
}
