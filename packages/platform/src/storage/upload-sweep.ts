// Files whose upload ticket expired without being attached are deleted by a swept job: a BullMQ job
// scheduler (one repeatable job however many replicas run, made with the kit's defineJob like the
// user service's ID card purge) every UPLOAD_SWEEP_INTERVAL_MINUTES. For each kind
// the service takes, the sweep reads the tickets that expired (upload-tickets.ts), asks the
// service's own database which keys were attached, and deletes the rest; for publishing kinds the
// original upload always goes (only the re-encoded published copy is ever used).
import { JOB_CATALOGUE, type JobName } from '@anshim/contracts';
import { Sweep, type SweepDeps } from '../kit/sweep.ts';
import type { StorageDriver } from './driver.ts';
import type { UploadPolicy } from './policies.ts';
import type { UploadTickets } from './upload-tickets.ts';
import { thumbnailKey } from './uploads.ts';

/** A ticket is swept this long after it expired, so an attach that began just before expiry finishes first. */
export const SWEEP_GRACE_MS = 5 * 60_000;
const BATCH = 200;

type ServiceOf<N> = N extends `${infer S}.upload-sweep` ? S : never;
/** The services whose sweep the job catalogue lists. */
export type UploadSweepService = ServiceOf<JobName>;

export interface SweptKind {
  policy: UploadPolicy;
  /** Which of these keys the service's database has attached to something. */
  attachedAmong(keys: string[]): Promise<Set<string>>;
}

export interface UploadSweepDeps extends SweepDeps {
  /** Names the queue: `<service>.upload-sweep`. */
  service: UploadSweepService;
  kinds: SweptKind[];
  tickets: UploadTickets;
  storage: StorageDriver;
}

export class UploadSweep extends Sweep<{ deleted: number }> {
  constructor(private readonly deps: UploadSweepDeps) {
    super(JOB_CATALOGUE[`${deps.service}.upload-sweep`], 'upload-sweep', deps);
  }

  /** One sweep as of `now` (tests pass a moment past the ticket TTL). A file that cannot be deleted now is retried next sweep. */
  override async sweep(now: Date): Promise<{ deleted: number }> {
    let deleted = 0;
    const before = new Date(now.getTime() - SWEEP_GRACE_MS);
    for (const { policy, attachedAmong } of this.deps.kinds) {
      for (;;) {
        const due = await this.deps.tickets.expired(policy.namespace, before, BATCH);
        if (due.length === 0) break;
        const attached = await attachedAmong(due);
        const settled: string[] = [];
        for (const key of due) {
          if (attached.has(key) && !policy.publishedNamespace) {
            settled.push(key);
            continue;
          }
          try {
            await this.deps.storage.remove(key);
            await this.deps.storage.remove(thumbnailKey(key));
            if (!attached.has(key)) deleted++;
            settled.push(key);
          } catch (error) {
            this.logger.warn({ err: error, key }, 'could not delete an unattached upload; retrying next sweep');
          }
        }
        await this.deps.tickets.done(policy.namespace, settled);
        if (due.length < BATCH || settled.length === 0) break;
      }
    }
    if (deleted) this.logger.info({ deleted }, 'unattached uploads deleted');
    return { deleted };
  }
}
