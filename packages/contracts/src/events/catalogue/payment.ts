import { z } from 'zod';
import { timestamp, tradeParties, uuid, type EventDefinition } from './definition.ts';

export const paymentStatus = z.enum(['AWAITING_GUARDIAN', 'AWAITING_PAYMENT', 'HELD', 'RELEASED', 'REFUNDED', 'DISPUTED', 'CANCELLED', 'FAILED']);

/**
 * `reason` of a payment.disputed that a trade dispute caused (transaction.disputed), rather than the
 * buyer's own words from disputePayment: report files the buyer's case against the seller, or for
 * the seller's dispute the seller's case against the buyer.
 */
export const TRADE_DISPUTE_REASONS = { BUYER: 'TRADE_DISPUTED_BY_BUYER', SELLER: 'TRADE_DISPUTED_BY_SELLER' } as const;

/** Every payment event names the payment, its trade and parties, the amount and the change. */
const change = z.object({
  paymentId: uuid,
  transactionId: uuid,
  ...tradeParties,
  /** Whole won: the trade's price. */
  amount: z.int().min(1),
  from: paymentStatus.nullable(),
  to: paymentStatus,
  /** BUYER, PROVIDER, GUARDIAN, MODERATOR or PLATFORM (payment's escrow-state-machine.ts). */
  actor: z.string(),
  reason: z.string().nullable(),
  at: timestamp,
});

/**
 * payment.events (producer: payment): one event per status a payment enters. Safety weighs
 * trades released through safe payment more; the monitor reads off-app payment requests after a
 * safe payment was offered; report opens a case for payment.disputed.
 */
export const PAYMENT_EVENTS = {
  'payment.started': { priority: 'normal', version: 1, data: change },
  'payment.held': { priority: 'normal', version: 1, data: change },
  'payment.released': { priority: 'normal', version: 1, data: change },
  'payment.refunded': { priority: 'normal', version: 1, data: change },
  /** High: a moderator has money to decide about. */
  'payment.disputed': { priority: 'high', version: 1, data: change },
  'payment.cancelled': { priority: 'normal', version: 1, data: change },
  'payment.failed': { priority: 'normal', version: 1, data: change },
  /**
   * High: a protected member's payment waits for a guardian (issue 19 point 4). The user service
   * texts `guardianIds` (still confirmed and approving) once each. The code is never in the event:
   * both services derive it from approvalId (the platform's guardian-approval-code.ts).
   */
  'payment.guardian_approval_requested': {
    priority: 'high',
    version: 1,
    data: z.object({
      approvalId: uuid,
      paymentId: uuid,
      transactionId: uuid,
      ...tradeParties,
      /** Whole won. */
      amount: z.int().min(1),
      /** The listing's title as payment's copy knows it (the SMS prints it only when it is SMS-safe); null when unknown. */
      itemTitle: z.string().nullable(),
      /** LARGE_AMOUNT (at or above the large threshold) or RISKY_COUNTERPART (the seller is CAUTION or DANGER). */
      reason: z.enum(['LARGE_AMOUNT', 'RISKY_COUNTERPART']),
      counterpartGrade: z.enum(['VERY_SAFE', 'SAFE', 'NORMAL', 'CAUTION', 'DANGER']).nullable(),
      guardianIds: z.array(uuid).min(1),
      requestedAt: timestamp,
      expiresAt: timestamp,
    }),
  },
} as const satisfies Record<`payment.${string}`, EventDefinition>;
