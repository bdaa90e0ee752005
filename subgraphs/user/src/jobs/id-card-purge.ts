// ID card photos are deleted ID_CARD_RETENTION_DAYS (30) after the decision. A BullMQ job
// scheduler (one repeatable job, however many replicas run) sweeps every
// ID_CARD_PURGE_INTERVAL_MINUTES: it deletes photos past their `purgeAfter` and marks unused
// upload tickets EXPIRED. The row of each check stays, as the record of the decision.
import { Sweep, type SweepDeps } from '@anshim/platform';
import { JOB_CATALOGUE } from '@anshim/contracts';
import type { StorageDriver } from '@anshim/platform/storage';
import type { IdCardRepository } from '../id-card/id-card-repository.ts';

export const ID_CARD_PURGE_SCHEDULER = 'id-card-purge';
const BATCH = 200;

export interface IdCardPurgeDeps extends SweepDeps {
  checks: IdCardRepository;
  storage: StorageDriver;
}

export interface PurgeResult {
  photosDeleted: number;
  ticketsExpired: number;
}

export class IdCardPurge extends Sweep<PurgeResult> {
  constructor(private readonly deps: IdCardPurgeDeps) {
    super(JOB_CATALOGUE['user.id-card-purge'], ID_CARD_PURGE_SCHEDULER, deps);
  }

  /** One sweep as of `now` (tests pass a date 31 days ahead). A photo that cannot be deleted now is retried next sweep. */
  override async sweep(now: Date): Promise<PurgeResult> {
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
