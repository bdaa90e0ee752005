// payment.guardian-approval-expiry: one delayed job per approval, due at its expiresAt (job id =
// approval id, so a second request files nothing twice). An approval still PENDING then is EXPIRED
// and its payment CANCELLED (GuardianApprovals.expire, idempotent); one answered meanwhile is left
// alone. The settle sweep expires any approval whose job was lost.
import { defineJob, type DefinedJob, type Logger, type RedisSettings } from '@anshim/platform';
import { JOB_CATALOGUE } from '@anshim/contracts';
import type { GuardianApprovals } from '../guardian-approval/guardian-approvals.ts';

type ExpirySchema = (typeof JOB_CATALOGUE)['payment.guardian-approval-expiry']['schema'];

export function guardianApprovalExpiryJob(deps: { approvals: () => GuardianApprovals; redis: RedisSettings; logger: Logger }): DefinedJob<ExpirySchema, boolean> {
  return defineJob({
    ...JOB_CATALOGUE['payment.guardian-approval-expiry'],
    redis: deps.redis,
    logger: deps.logger,
    handler: ({ approvalId }) => deps.approvals().expire(approvalId),
    defaults: { backoff: { type: 'exponential', delay: 5_000 }, removeOnComplete: 1_000, removeOnFail: 1_000 },
  });
}

/** Files the job at the approval's expiry (plus a second, so the deadline has surely passed when it runs). */
export function expiryScheduler(job: DefinedJob<ExpirySchema, boolean>): (approvalId: string, delayMs: number) => Promise<void> {
  return (approvalId, delayMs) => job.add({ approvalId }, { jobId: approvalId, delay: delayMs + 1_000 });
}
