import { z } from 'zod';
import { timestamp, uuid, type EventDefinition } from './definition.ts';
import { ADMIN_ACTION_AUDITED } from './audit.ts';

export const safetyGrade = z.enum(['VERY_SAFE', 'SAFE', 'NORMAL', 'CAUTION', 'DANGER']);

/** safety.events (producer: safety). Nightly batch recalculations are sent with priority low. */
export const SAFETY_EVENTS = {
  /** A user's score was recalculated; transaction keeps the seller's grade and score from it. */
  'safety.score_changed': {
    priority: 'normal',
    version: 1,
    data: z.object({
      userId: uuid,
      score: z.number().min(0).max(100),
      grade: safetyGrade,
      previousScore: z.number().min(0).max(100).nullable(),
      previousGrade: safetyGrade.nullable(),
      /** Increments on every recalculation: consumers keep the highest version they saw. */
      version: z.int().positive(),
      /** The event type that caused it, e.g. report.processed, or `admin.recalculate` / `batch.nightly`. */
      cause: z.string(),
      changedAt: timestamp,
    }),
  },
  /** An audited action (catalogue/audit.ts), for the console's one audit log. */
  'safety.admin_action_audited': ADMIN_ACTION_AUDITED,
} as const satisfies Record<`safety.${string}`, EventDefinition>;
