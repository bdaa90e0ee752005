import { z } from 'zod';
import { reporterTrustSchema } from '../../reporter-trust.ts';
import { timestamp, uuid, type EventDefinition } from './definition.ts';
import { ADMIN_ACTION_AUDITED } from './audit.ts';

export const reportType = z.enum(['FRAUD', 'NO_SHOW', 'COUNTERFEIT', 'ABUSIVE_LANGUAGE', 'HARASSMENT', 'OFF_PLATFORM_PAYMENT', 'OTHER']);
export const sanctionType = z.enum(['WARNING', 'SUSPENSION', 'BAN']);

/** Which report, by whom, against whom and of what kind: report.filed and report.processed open with these. */
const reportRef = { reportId: uuid, reporterId: uuid, targetUserId: uuid, type: reportType };

/** report.events (producer: report). `report.filed` of an URGENT report is sent with priority high. */
export const REPORT_EVENTS = {
  'report.filed': {
    priority: 'normal',
    version: 1,
    data: z.object({
      ...reportRef,
      priority: z.enum(['URGENT', 'HIGH', 'NORMAL']),
      productId: uuid.nullable(),
      transactionId: uuid.nullable(),
      filedAt: timestamp,
      /**
       * What the report service knew about the reporter when they filed (reporter-trust.ts): how
       * much the report weighs. Optional, added in v1; absent weighs the floor.
       */
      reporter: reporterTrustSchema.optional(),
    }),
  },
  /** A decision on a report; safety applies (ACCEPT) or drops (DISMISS) the report's weight; payment settles a disputed payment. */
  'report.processed': {
    priority: 'normal',
    version: 1,
    data: z.object({
      ...reportRef,
      decision: z.enum(['ACCEPT', 'DISMISS']),
      sanction: sanctionType.nullable(),
      /** When the report was filed: the score's decay runs from then. */
      filedAt: timestamp,
      processedAt: timestamp,
      /** The trade the report names, if any. Optional, added in v1. */
      transactionId: uuid.nullable().optional(),
      /**
       * The safe payment whose dispute opened the report (origin PAYMENT_DISPUTE): the decision
       * decides the held money (payment refunds on ACCEPT, releases on DISMISS). Optional, added in v1.
       */
      paymentId: uuid.nullable().optional(),
    }),
  },
  /** High: a ban or suspension must stop the user before their next action. */
  'report.sanction_applied': {
    priority: 'high',
    version: 1,
    data: z.object({
      reportId: uuid,
      userId: uuid,
      sanction: sanctionType,
      reason: z.string(),
      startsAt: timestamp,
      endsAt: timestamp.nullable(),
      /** The sanction's own id (one report has at most one). Optional, added in v1. */
      sanctionId: uuid.optional(),
      /** The ADMIN who decided it, for the consumer's audit log. Optional, added in v1. */
      appliedBy: uuid.optional(),
    }),
  },
  'report.sanction_ended': {
    priority: 'high',
    version: 1,
    /** A SUSPENSION reached its end (a delayed job at endsAt). `sanctionId` optional, added in v1. */
    data: z.object({ reportId: uuid, userId: uuid, sanction: sanctionType, endedAt: timestamp, sanctionId: uuid.optional() }),
  },
  /**
   * An accepted report named bank accounts or phone numbers: their keyed lookup hashes
   * (DATA_ENCRYPTION_KEY, see payment-identifiers.ts), never the values. High: the monitor's
   * KNOWN_FRAUD_ACCOUNT must know them before the fraudster's next chat message.
   */
  'report.identifiers_confirmed': {
    priority: 'high',
    version: 1,
    data: z.object({
      reportId: uuid,
      targetUserId: uuid,
      identifiers: z.array(z.object({ type: z.enum(['BANK_ACCOUNT', 'PHONE']), lookupHash: z.string().regex(/^[0-9a-f]{64}$/) })).min(1),
      confirmedAt: timestamp,
    }),
  },
  /** An audited action (catalogue/audit.ts), for the console's one audit log. */
  'report.admin_action_audited': ADMIN_ACTION_AUDITED,
} as const satisfies Record<`report.${string}`, EventDefinition>;
