// The job catalogue, beside the event catalogue: every BullMQ job queue a service runs for
// itself (sweeps, delayed work), its job name and the zod schema of its payload. Events travel
// between services; jobs stay inside one, but they share Redis, so their names and payloads are
// written down once here and every queue is made with the platform kit's defineJob
// (packages/platform/src/kit/define-job.ts).
import { z } from 'zod';

export interface JobType<S extends z.ZodType = z.ZodType> {
  /** The queue: `<service>.<job>`, unique across the deployment. */
  name: string;
  /** BullMQ's job name inside the queue (what a scheduler or `add` files it under). */
  jobName: string;
  /** What a job carries; producers and the worker both parse it, a bad payload is never retried. */
  schema: S;
}

const sweep = { jobName: 'sweep', schema: z.object({}) } as const;

export const JOB_CATALOGUE = {
  /** Deletes ID card photos past their retention and expires unused ID card upload tickets. */
  'user.id-card-purge': { name: 'user.id-card-purge', ...sweep },
  /** Ends one suspension at its endsAt (job id = sanction id). */
  'report.sanction-end': { name: 'report.sanction-end', jobName: 'end', schema: z.object({ sanctionId: z.uuid() }) },
  /** Deletes uploads whose ticket expired without being attached (the platform's storage/upload-sweep.ts). */
  'transaction.upload-sweep': { name: 'transaction.upload-sweep', ...sweep },
  'report.upload-sweep': { name: 'report.upload-sweep', ...sweep },
  /**
   * Sends the user service's pending outbound messages (guardian SMS): a job per nudge after an
   * event handler committed some, and a repeatable sweep, so a lost nudge or a crash loses nothing.
   */
  'user.outbound-messages': { name: 'user.outbound-messages', ...sweep },
  /** Profile photo uploads never attached by setProfilePhoto. */
  'user.upload-sweep': { name: 'user.upload-sweep', ...sweep },
  /** Deletes conversations whose last activity is older than CHAT_RETENTION_DAYS, with their messages. */
  'chat.retention-sweep': { name: 'chat.retention-sweep', ...sweep },
  /**
   * Settles what waits on time or on the provider: releases held money at autoReleaseAt, confirms
   * checkouts whose return was lost (or whose confirmation a crash cut short), returns refunds.
   */
  'payment.settle': { name: 'payment.settle', ...sweep },
  /**
   * Fires TRANSACTION_CHECK_IN_ALERT_SECONDS after a party checked in at a meeting spot (job id =
   * check-in id): still checked in → transaction.check_in_overdue, once.
   */
  'transaction.check-in-alert': { name: 'transaction.check-in-alert', jobName: 'alert', schema: z.object({ checkInId: z.uuid() }) },
  /** Expires one guardian approval left unanswered at its expiresAt (job id = approval id): EXPIRED, payment CANCELLED. */
  'payment.guardian-approval-expiry': { name: 'payment.guardian-approval-expiry', jobName: 'expire', schema: z.object({ approvalId: z.uuid() }) },
  /** Ends (or, while the user's level still calls for them, renews) monitor actions whose expiresAt passed. */
  'monitor.action-expiry': { name: 'monitor.action-expiry', ...sweep },
  /** Recalculates every member's safety score, set-based (a cron scheduler: SAFETY_NIGHTLY_CRON). */
  'safety.nightly-recalculation': { name: 'safety.nightly-recalculation', jobName: 'nightly-recalculation', schema: z.object({}) },
  /** Rechecks one member's score when something it depends on expires (job id = expiry.<user>.<time>). */
  'safety.recalculate-user': {
    name: 'safety.recalculate-user',
    jobName: 'recalculate-user',
    schema: z.object({ userId: z.uuid(), cause: z.string().default('schedule.expiry') }),
  },
} as const satisfies Record<string, JobType>;

export type JobName = keyof typeof JOB_CATALOGUE;
