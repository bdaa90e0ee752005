// Safety's scheduled and delayed jobs on one BullMQ queue: the nightly recalculation of everyone
// (a cron scheduler) and the recheck of one member when something their score depends on expires
// (a risk signal, a sanction, a suspension). The worker process owns the queue and runs the jobs.
import { Queue, Worker, type Job } from 'bullmq';
import { z } from 'zod';
import { createQueueConnection, queuePrefix, type Logger, type RedisSettings } from '@anshim/platform';
import type { SafetyCore } from '../safety-core.ts';
import type { Recalculated } from '../score/score-recalculator.ts';
import type { BatchResult } from './nightly-batch.ts';

export const JOBS_QUEUE = 'safety.jobs';
export const NIGHTLY_JOB = 'nightly-recalculation';
export const RECALCULATE_USER_JOB = 'recalculate-user';
const recalculateUserData = z.object({ userId: z.uuid(), cause: z.string().default('schedule.expiry') });

export interface NightlySchedule {
  enabled: boolean;
  cron: string;
  tz: string;
}

export class SafetyJobs {
  readonly queue: Queue;
  private readonly queueConnection: ReturnType<typeof createQueueConnection>;
  private readonly prefix: string;
  private worker?: { instance: Worker; connection: ReturnType<typeof createQueueConnection> };

  constructor(
    private readonly redis: RedisSettings,
    private readonly logger: Logger,
  ) {
    this.queueConnection = createQueueConnection(redis);
    this.prefix = queuePrefix(redis);
    this.queue = new Queue(JOBS_QUEUE, { connection: this.queueConnection, prefix: this.prefix });
    this.queue.on('error', (error) => logger.warn({ err: error }, 'jobs queue error'));
  }

  /** A score that depends on something expiring (risk signal, sanction, suspension) is rechecked then. */
  async scheduleRechecks(results: Recalculated[]): Promise<void> {
    const now = Date.now();
    await Promise.all(
      results.flatMap((r) => {
        if (!r.nextChangeAt) return [];
        const at = r.nextChangeAt.getTime();
        return [
          this.queue.add(RECALCULATE_USER_JOB, { userId: r.record.userId, cause: 'schedule.expiry' }, {
            delay: Math.max(0, at - now) + 1_000,
            jobId: `expiry.${r.record.userId}.${at}`,
            priority: 5,
            removeOnComplete: true,
            removeOnFail: 100,
          }),
        ];
      }),
    ).catch((error: unknown) => this.logger.warn({ err: error }, 'could not schedule an expiry recheck; the nightly batch will catch it'));
  }

  /** Builds the worker that runs the jobs against `core` (not running until start). */
  bind(core: SafetyCore, recalculateEveryone: () => Promise<BatchResult>): void {
    const connection = createQueueConnection(core.redisSettings);
    const instance = new Worker(
      JOBS_QUEUE,
      async (job: Job) => {
        if (job.name === NIGHTLY_JOB) return recalculateEveryone();
        if (job.name === RECALCULATE_USER_JOB) {
          const { userId, cause } = recalculateUserData.parse(job.data);
          const results = await core.sql.$transaction((tx) => core.recalculator.recalculate(tx, [userId], { type: cause, eventId: null }, { mode: 'always' }));
          await core.published(results);
          return { userId, value: results[0]?.record.value };
        }
        throw new Error(`unknown job ${job.name}`);
      },
      { connection, prefix: this.prefix, concurrency: 2, autorun: false },
    );
    instance.on('error', (error) => this.logger.error({ err: error }, 'jobs worker error'));
    instance.on('failed', (job, error) => this.logger.warn({ err: error, job: job?.name, jobId: job?.id }, 'safety job failed'));
    this.worker = { instance, connection };
  }

  /** Runs the worker and sets (or removes) the nightly scheduler; resolves once the worker is ready. */
  async start(nightly: NightlySchedule): Promise<void> {
    const worker = this.requireWorker();
    worker.run().catch((error: unknown) => this.logger.error({ err: error }, 'jobs worker stopped'));
    if (nightly.enabled) {
      await this.queue.upsertJobScheduler(
        'nightly',
        { pattern: nightly.cron, tz: nightly.tz },
        { name: NIGHTLY_JOB, data: {}, opts: { priority: 10, removeOnComplete: 30, removeOnFail: 30 } },
      );
    } else {
      await this.queue.removeJobScheduler('nightly');
    }
  }

  waitUntilReady(): Promise<unknown> {
    return this.requireWorker().waitUntilReady();
  }

  /** Stops taking jobs and lets running ones finish. */
  async stopWorker(): Promise<void> {
    await this.worker?.instance.close();
  }

  /** Closes the queue and both connections (after stopWorker). */
  async close(): Promise<void> {
    await this.queue.close();
    this.queueConnection.disconnect();
    this.worker?.connection.disconnect();
  }

  private requireWorker(): Worker {
    if (!this.worker) throw new Error('SafetyJobs.bind must run before start');
    return this.worker.instance;
  }
}
