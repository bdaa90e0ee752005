// The safety worker process, composed but not started: the event consumer (projection +
// recalculation per event, inbound/), the jobs (nightly batch, scheduled expiry rechecks, jobs/),
// the outbox relay for the score_changed events they write, and the operational endpoints.
// workers/index.ts runs it as its own process; tests build it in-process against the run's
// database and Redis.
import { configureRetrySchedule, consumerWithAfterCommit, retryScheduleFromEnv, type EventConsumer, type Logger, type SqlExecutor } from '@anshim/platform';
import type { SafetyEnv } from '../env.ts';
import { safetyEventHandlers } from '../inbound/event-handlers.ts';
import { recalculateEveryone, type BatchResult } from '../jobs/nightly-batch.ts';
import { defineSafetyJobs, type SafetyJobs } from '../jobs/safety-jobs.ts';
import { buildSafetyCore, type SafetyCore } from '../safety-core.ts';
import { createWorkerMetrics, startWorkerHttp } from './worker-http.ts';

export interface SafetyWorkers {
  core: SafetyCore;
  consumer: EventConsumer<'safety', SqlExecutor>;
  jobs: SafetyJobs;
  /** Starts consuming; returns the port of the operational endpoints. */
  start(): Promise<{ port: number }>;
  /** Runs the nightly recalculation now, in this process (CLI, bench, tests). */
  recalculateEveryone(): Promise<BatchResult>;
  /** Stops taking work, lets running jobs finish, then closes everything. SIGTERM-safe. */
  close(): Promise<void>;
}

export function buildSafetyWorkers(env: SafetyEnv, logger: Logger): SafetyWorkers {
  configureRetrySchedule(retryScheduleFromEnv(env));
  let workerMetrics: ReturnType<typeof createWorkerMetrics> | undefined;
  // Assigned below, before anything can publish (the jobs need the core, the core's hook the jobs).
  let jobs: SafetyJobs | undefined;
  const core = buildSafetyCore(env, logger, {
    poolSize: env.SAFETY_WORKER_CONCURRENCY + 4,
    onPublished: async (results) => {
      for (const [cause, count] of countBy(results.map((r) => r.cause))) workerMetrics?.recalculated(cause, count);
      await jobs?.scheduleRechecks(results);
    },
  });
  const metrics = createWorkerMetrics(core);
  workerMetrics = metrics;
  let http: { port: number; stop(): Promise<void> } | undefined;
  const consumer = consumerWithAfterCommit<'safety', SqlExecutor>({
    service: 'safety',
    prisma: core.sql,
    redis: core.redisSettings,
    logger,
    concurrency: env.SAFETY_WORKER_CONCURRENCY,
    attempts: env.SAFETY_EVENT_ATTEMPTS,
    lockDurationMs: env.SAFETY_EVENT_LOCK_MS,
    handlers: (afterCommit) => metrics.instrument(safetyEventHandlers({
      copies: core.copies,
      recalculator: core.recalculator,
      afterCommit: (tx, results, timing) =>
        afterCommit.schedule(tx, async () => {
          metrics.recalculationCommitted(timing);
          await core.published(results);
        }),
      copiesChanged: (tx, products) => afterCommit.schedule(tx, () => core.productCopiesChanged(products)),
    })),
  });

  const runEveryone = () => recalculateEveryone(core, { batchSize: env.SAFETY_BATCH_SIZE, logger });
  const nightly = { enabled: env.SAFETY_NIGHTLY_ENABLED, cron: env.SAFETY_NIGHTLY_CRON, tz: env.SAFETY_NIGHTLY_TZ };
  const safetyJobs = defineSafetyJobs({ core, logger, nightly, recalculateEveryone: runEveryone });
  jobs = safetyJobs;

  return {
    core,
    consumer,
    jobs: safetyJobs,
    async start() {
      core.relay.start();
      consumer.start();
      await safetyJobs.start();
      await consumer.waitUntilReady();
      http = await startWorkerHttp(core, metrics, env.SAFETY_WORKER_PORT, env.SAFETY_WORKER_HOST);
      return { port: http.port };
    },
    recalculateEveryone: runEveryone,
    async close() {
      await http?.stop();
      // The consumer first: its last events may still schedule rechecks on the jobs' queue.
      await consumer.close().catch((error: unknown) => logger.warn({ err: error }, 'closing the consumer failed'));
      await safetyJobs.close();
      await workerMetrics?.close();
      await core.close();
    },
  };
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}
