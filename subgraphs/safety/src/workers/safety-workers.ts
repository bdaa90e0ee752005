// The safety workers, built but not started: the event consumer (projection + recalculation per
// event), the jobs queue (nightly batch, scheduled expiry rechecks), and the outbox relay for the
// score_changed events they write. workers/index.ts runs them as their own process; tests build
// them in-process against the run's database and Redis.
import { Queue, Worker, type Job } from 'bullmq';
import { z } from 'zod';
import { AfterCommitHooks, createQueueConnection, EventConsumer, queuePrefix, type Logger, type SqlExecutor } from '@anshim/platform';
import type { SafetyEnv } from '../env.ts';
import { safetyEventHandlers } from '../events/event-handlers.ts';
import { buildSafetyCore, type SafetyCore } from '../safety-core.ts';
import type { Recalculated } from '../score-recalculator.ts';
import { recalculateEveryone, type BatchResult } from './nightly-batch.ts';
import { createWorkerMetrics, startWorkerHttp } from './worker-http.ts';

export const JOBS_QUEUE = 'safety.jobs';
export const NIGHTLY_JOB = 'nightly-recalculation';
export const RECALCULATE_USER_JOB = 'recalculate-user';
const recalculateUserData = z.object({ userId: z.uuid(), cause: z.string().default('schedule.expiry') });

export interface SafetyWorkers {
  core: SafetyCore;
  consumer: EventConsumer<'safety', SqlExecutor>;
  jobs: Queue;
  /** Starts consuming; returns the port of the operational endpoints. */
  start(): Promise<{ port: number }>;
  /** Runs the nightly recalculation now, in this process (CLI, bench, tests). */
  recalculateEveryone(): Promise<BatchResult>;
  /** Stops taking work, lets running jobs finish, then closes everything. SIGTERM-safe. */
  close(): Promise<void>;
}

export function buildSafetyWorkers(env: SafetyEnv, logger: Logger): SafetyWorkers {
  const queueOptions = { connection: createQueueConnection({ url: env.REDIS_URL, prefix: env.REDIS_PREFIX }), prefix: queuePrefix({ url: env.REDIS_URL, prefix: env.REDIS_PREFIX }) };
  const jobs = new Queue(JOBS_QUEUE, queueOptions);
  jobs.on('error', (error) => logger.warn({ err: error }, 'jobs queue error'));

  /** A score that depends on something expiring (risk signal, sanction, suspension) is rechecked then. */
  const scheduleRechecks = async (results: Recalculated[]) => {
    const now = Date.now();
    await Promise.all(
      results.flatMap((r) => {
        if (!r.nextChangeAt) return [];
        const at = r.nextChangeAt.getTime();
        return [
          jobs.add(RECALCULATE_USER_JOB, { userId: r.record.userId, cause: 'schedule.expiry' }, {
            delay: Math.max(0, at - now) + 1_000,
            jobId: `expiry.${r.record.userId}.${at}`,
            priority: 5,
            removeOnComplete: true,
            removeOnFail: 100,
          }),
        ];
      }),
    ).catch((error: unknown) => logger.warn({ err: error }, 'could not schedule an expiry recheck; the nightly batch will catch it'));
  };

  let workerMetrics: ReturnType<typeof createWorkerMetrics> | undefined;
  const core = buildSafetyCore(env, logger, {
    poolSize: env.SAFETY_WORKER_CONCURRENCY + 4,
    onPublished: async (results) => {
      for (const [cause, count] of countBy(results.map((r) => r.cause))) workerMetrics?.recalculated(cause, count);
      await scheduleRechecks(results);
    },
  });
  workerMetrics = createWorkerMetrics(core);
  let http: { port: number; stop(): Promise<void> } | undefined;
  const afterCommit = new AfterCommitHooks<SqlExecutor>(core.sql, logger);
  const consumer = new EventConsumer({
    service: 'safety',
    prisma: afterCommit.wrapped,
    redis: core.redisSettings,
    logger,
    concurrency: env.SAFETY_WORKER_CONCURRENCY,
    attempts: env.SAFETY_EVENT_ATTEMPTS,
    lockDurationMs: env.SAFETY_EVENT_LOCK_MS,
    handlers: workerMetrics.instrument(safetyEventHandlers({
      inputs: core.inputs,
      recalculator: core.recalculator,
      afterCommit: (tx, results) => afterCommit.schedule(tx, () => core.published(results)),
    })),
  });

  const runEveryone = () => recalculateEveryone(core, { batchSize: env.SAFETY_BATCH_SIZE, logger });
  const workerConnection = createQueueConnection(core.redisSettings);
  const jobsWorker = new Worker(
    JOBS_QUEUE,
    async (job: Job) => {
      if (job.name === NIGHTLY_JOB) return runEveryone();
      if (job.name === RECALCULATE_USER_JOB) {
        const { userId, cause } = recalculateUserData.parse(job.data);
        const results = await core.sql.$transaction((tx) => core.recalculator.recalculate(tx, [userId], { type: cause, eventId: null }, { mode: 'always' }));
        await core.published(results);
        return { userId, value: results[0]?.record.value };
      }
      throw new Error(`unknown job ${job.name}`);
    },
    { ...queueOptions, connection: workerConnection, concurrency: 2, autorun: false },
  );
  jobsWorker.on('error', (error) => logger.error({ err: error }, 'jobs worker error'));
  jobsWorker.on('failed', (job, error) => logger.warn({ err: error, job: job?.name, jobId: job?.id }, 'safety job failed'));

  return {
    core,
    consumer,
    jobs,
    async start() {
      core.relay.start();
      consumer.start();
      jobsWorker.run().catch((error: unknown) => logger.error({ err: error }, 'jobs worker stopped'));
      if (env.SAFETY_NIGHTLY_ENABLED) {
        await jobs.upsertJobScheduler(
          'nightly',
          { pattern: env.SAFETY_NIGHTLY_CRON, tz: env.SAFETY_NIGHTLY_TZ },
          { name: NIGHTLY_JOB, data: {}, opts: { priority: 10, removeOnComplete: 30, removeOnFail: 30 } },
        );
      } else {
        await jobs.removeJobScheduler('nightly');
      }
      await Promise.all([consumer.waitUntilReady(), jobsWorker.waitUntilReady()]);
      http = await startWorkerHttp(core, workerMetrics!, env.SAFETY_WORKER_PORT, env.SAFETY_WORKER_HOST);
      return { port: http.port };
    },
    recalculateEveryone: runEveryone,
    async close() {
      await http?.stop();
      await Promise.allSettled([consumer.close(), jobsWorker.close()]);
      await workerMetrics?.close();
      await jobs.close();
      queueOptions.connection.disconnect();
      workerConnection.disconnect();
      await core.close();
    },
  };
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}
