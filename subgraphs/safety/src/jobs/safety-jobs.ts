// Safety's scheduled and delayed jobs, made with the kit's defineJob on the queues the job catalogue
// names: the nightly recalculation of everyone (a cron scheduler, `safety.nightly-recalculation`)
// and the recheck of one member when something their score depends on expires (a risk signal, a
// sanction, a suspension: `safety.recalculate-user`). The worker process owns them and runs the jobs.
import { defineJob, type Logger } from '@anshim/platform';
import { JOB_CATALOGUE } from '@anshim/contracts';
import type { SafetyCore } from '../safety-core.ts';
import type { Recalculated } from '../score/score-recalculator.ts';
import type { BatchResult } from './nightly-batch.ts';

export interface NightlySchedule {
  enabled: boolean;
  cron: string;
  tz: string;
}

export interface SafetyJobsDeps {
  core: SafetyCore;
  logger: Logger;
  nightly: NightlySchedule;
  recalculateEveryone: () => Promise<BatchResult>;
}

export interface SafetyJobs {
  /** A score that depends on something expiring (risk signal, sanction, suspension) is rechecked then. */
  scheduleRechecks(results: Recalculated[]): Promise<void>;
  /** Sets (or removes) the nightly scheduler and starts both workers; resolves once they take jobs. */
  start(): Promise<void>;
  /** Stops taking jobs, lets running ones finish, then closes the queues. */
  close(): Promise<void>;
}

export function defineSafetyJobs({ core, logger, nightly, recalculateEveryone }: SafetyJobsDeps): SafetyJobs {
  const redis = core.redisSettings;
  const nightlyRecalculation = defineJob({
    ...JOB_CATALOGUE['safety.nightly-recalculation'],
    handler: () => recalculateEveryone(),
    redis,
    logger,
    schedule: {
      id: 'nightly',
      repeat: { pattern: nightly.cron, tz: nightly.tz },
      options: { removeOnComplete: 30, removeOnFail: 30 },
      enabled: nightly.enabled,
    },
  });
  const recalculateUser = defineJob({
    ...JOB_CATALOGUE['safety.recalculate-user'],
    handler: async ({ userId, cause }) => {
      const results = await core.sql.$transaction((tx) => core.recalculator.recalculate(tx, [userId], { type: cause, eventId: null }, { mode: 'always' }));
      await core.published(results);
      return { userId, value: results[0]?.record.value };
    },
    redis,
    logger,
    concurrency: 2,
    defaults: { removeOnComplete: true, removeOnFail: 100 },
  });
  const all = [nightlyRecalculation, recalculateUser];

  return {
    async scheduleRechecks(results) {
      const now = Date.now();
      await Promise.all(
        results.flatMap((r) => {
          if (!r.nextChangeAt) return [];
          const at = r.nextChangeAt.getTime();
          return [recalculateUser.add({ userId: r.record.userId, cause: 'schedule.expiry' }, { delay: Math.max(0, at - now) + 1_000, jobId: `expiry.${r.record.userId}.${at}` })];
        }),
      ).catch((error: unknown) => logger.warn({ err: error }, 'could not schedule an expiry recheck; the nightly batch will catch it'));
    },
    async start() {
      for (const job of all) await job.start();
      await Promise.all(all.map((job) => job.waitUntilReady()));
    },
    async close() {
      await Promise.allSettled(all.map((job) => job.close()));
    },
  };
}
