import { z } from 'zod';
import { timestamp, uuid, type EventDefinition } from './definition.ts';

export const riskLevel = z.enum(['NONE', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
export const riskAction = z.enum(['WARN_COUNTERPARTS', 'REQUIRE_VERIFICATION', 'HOLD_TRANSACTIONS', 'RESTRICT_ACCOUNT', 'CLEAR']);

/** monitor.events (producer: monitor). Risk is time-critical: everything here is high priority. */
export const MONITOR_EVENTS = {
  /** The user's current risk level rose (or a new signal arrived); feeds the safety score. */
  'monitor.risk_detected': {
    priority: 'high',
    version: 1,
    data: z.object({
      userId: uuid,
      level: riskLevel,
      rule: z.string(),
      alertId: uuid,
      detectedAt: timestamp,
      /** When the signal stops counting unless renewed; null until cleared by an admin. */
      expiresAt: timestamp.nullable(),
    }),
  },
  'monitor.risk_cleared': {
    priority: 'high',
    version: 1,
    data: z.object({ userId: uuid, clearedAt: timestamp, by: uuid.nullable() }),
  },
  /** An automatic or admin action; transaction enforces HOLD_TRANSACTIONS (and CLEAR lifts it). */
  'monitor.action_taken': {
    priority: 'high',
    version: 1,
    data: z.object({
      userId: uuid,
      action: riskAction,
      reason: z.string(),
      /** The admin who acted; null for automatic actions. */
      by: uuid.nullable(),
      takenAt: timestamp,
      expiresAt: timestamp.nullable(),
    }),
  },
  /**
   * An action stopped applying by itself: it expired and nothing else keeps the same action on the
   * user (no newer one, no admin's without an expiry; the monitor renews an automatic action while
   * the user's level still calls for it). Consumers lift exactly that action, as a CLEAR would
   * lift all of them, ordered by endedAt.
   */
  'monitor.action_ended': {
    priority: 'high',
    version: 1,
    data: z.object({
      userId: uuid,
      action: riskAction.exclude(['CLEAR']),
      /** When the action that ended was taken. */
      takenAt: timestamp,
      endedAt: timestamp,
    }),
  },
  /** An alert was raised; user (guardians) and others react to who was warned. */
  'monitor.alert_raised': {
    priority: 'high',
    version: 1,
    data: z.object({
      alertId: uuid,
      subjectUserId: uuid,
      recipientIds: z.array(uuid),
      level: riskLevel,
      rule: z.string(),
      productId: uuid.nullable(),
      transactionId: uuid.nullable(),
      createdAt: timestamp,
    }),
  },
} as const satisfies Record<`monitor.${string}`, EventDefinition>;
