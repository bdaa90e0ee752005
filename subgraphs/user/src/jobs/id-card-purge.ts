// ID card photos are deleted ID_CARD_RETENTION_DAYS (30) after the decision. A BullMQ job
// scheduler (one repeatable job, however many replicas run) sweeps every
// ID_CARD_PURGE_INTERVAL_MINUTES: it deletes photos past their `purgeAfter` and marks unused
// upload tickets EXPIRED. The row of each check stays, as the record of the decision.
import { defineSweep, type DefinedJob, type Logger, type RedisSettings } from '@anshim/platform';
import { JOB_CATALOGUE } from '@anshim/contracts';
import type { StorageDriver } from '@anshim/platform/storage';
import type { IdCardRepository } from '../id-card/id-card-repository.ts';

export const ID_CARD_PURGE_SCHEDULER = 'id-card-purge';
const BATCH = 200;

export interface IdCardPurgeDeps {
  checks: IdCardRepository;
  storage: StorageDriver;
  redis: RedisSettings;
  logger: Logger;
  intervalMinutes: number;
}

export interface PurgeResult {
  photosDeleted: number;
  ticketsExpired: number;
}

export class IdCardPurge {
  /** The queue, its scheduler and worker: the server starts and closes it. */
  readonly job: DefinedJob<(typeof JOB_CATALOGUE)['user.id-card-purge']['schema'], PurgeResult>;
  private readonly logger: Logger;

  constructor(private readonly deps: IdCardPurgeDeps) {
    this.logger = deps.logger.child({ component: 'id-card-purge' });
    this.job = defineSweep(JOB_CATALOGUE['user.id-card-purge'], { id: ID_CARD_PURGE_SCHEDULER, everyMs: deps.intervalMinutes * 60_000, run: (now) => this.sweep(now), redis: deps.redis, logger: deps.logger });
  }

  /** One sweep as of `now` (tests pass a date 31 days ahead). A photo that cannot be deleted now is retried next sweep. */
  async sweep(now: Date): Promise<PurgeResult> {
    let photosDeleted = 0;
    for (;;) {
      const due = await this.deps.checks.photosToPurge(now, BATCH);
      let progressed = 0;
      for (const { id, photoKey } of due) {
        try {
          await this.deps.storage.remove(photoKey);
          await this.deps.checks.markPhotoDeleted(id, now);
          progressed++;
        } catch (error) {
          this.logger.warn({ err: error, checkId: id }, 'could not delete an ID card photo; retrying next sweep');
        }
      }
      photosDeleted += progressed;
      if (due.length < BATCH || progressed === 0) break;
    }
    const ticketsExpired = await this.deps.checks.expireAbandoned(now);
    if (photosDeleted || ticketsExpired) this.logger.info({ photosDeleted, ticketsExpired }, 'id-card purge');
    return { photosDeleted, ticketsExpired };
  }
}
