import { z } from 'zod';
import { timestamp, uuid, type EventDefinition } from './definition.ts';

/**
 * `<service>.admin_action_audited`: one shape, one definition, sent by every service that keeps an
 * audit log (user, report, safety, chat) in the same transaction as its own audit row, so the
 * moderator console's single audit log (the monitor's `auditLog`, which already consumes every
 * other service's topic) loses nothing. The type carries the producer's prefix because a topic is
 * always its producer's (catalogue.ts); consumers treat the four alike. `auditId` is the producer's
 * audit row id: the consumer stores each once however often it arrives. `details` holds only what
 * an ADMIN may read (never a member's personal data: producers leave it null when unsure).
 */
export const ADMIN_ACTION_AUDITED = {
  priority: 'low',
  version: 1,
  data: z.object({
    auditId: uuid,
    /** Null: the system itself (e.g. the bootstrap admin at start). */
    actorId: uuid.nullable(),
    /** What was done, e.g. report.processed, user.status_changed, safety.recalculate. */
    action: z.string().min(1).max(100),
    /** What it was done to: a user, report or conversation id. */
    subjectId: z.string().max(200).nullable(),
    details: z.record(z.string(), z.unknown()).nullable(),
    requestId: z.string().max(200).nullable(),
    at: timestamp,
  }),
} as const satisfies EventDefinition;

/** The services that send it (monitor writes its own entries straight into the log it owns). */
export const AUDITING_SERVICES = ['user', 'report', 'safety', 'chat'] as const;
export type AdminActionAudited = z.infer<(typeof ADMIN_ACTION_AUDITED)['data']>;
