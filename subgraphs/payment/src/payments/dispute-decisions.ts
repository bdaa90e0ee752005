// A moderator's decision settles a disputed payment. disputePayment keeps the money held and
// payment.disputed opens a report for the moderators (the report subgraph); their decision comes
// back as report.processed naming the payment: ACCEPT (the buyer's complaint is upheld) refunds the
// buyer through the provider, DISMISS pays the seller. The actor is MODERATOR, the only one the
// state machine lets move DISPUTED money. Nothing else ever moves it: neither the trade's end nor
// the settle job's auto-release (which reads HELD payments only).
//
// Runs in the event consumer's transaction with its processed-event record, and the move is the
// Escrow's conditional update: a redelivered decision, or a second one, moves no money twice.
import { TRADE_DISPUTE_REASONS, type EventData } from '@anshim/contracts';
import type { Logger } from '@anshim/platform';
import type { PaymentRecord } from '../model.ts';
import type { Escrow, Unit } from './escrow.ts';
import type { PaymentRepository } from './payment-repository.ts';
import type { ProviderSync } from './provider-sync.ts';

/** The history's reason codes (PaymentStatusChange.reason shows them in plain words, messages.ts). */
export const DISPUTE_DECISION_REASONS = { ACCEPT: 'DISPUTE_UPHELD', DISMISS: 'DISPUTE_DISMISSED' } as const;


export interface DisputeDecisionDeps {
  payments: PaymentRepository;
  escrow: Escrow;
  sync: ProviderSync;
  logger: Logger;
}

/** Applies a report's decision to the payment it names; null when there is nothing (more) to settle. */
export async function settleDispute(deps: DisputeDecisionDeps, unit: Unit, decision: EventData<'report.processed'>): Promise<PaymentRecord | null> {
  const { paymentId } = decision;
  if (!paymentId) return null; // a report that no payment dispute opened
  const payment = await deps.payments.byId(paymentId, unit.tx);
  const log = { paymentId, reportId: decision.reportId, decision: decision.decision };
  if (!payment) {
    deps.logger.warn(log, 'a report decision names a payment this service does not have; nothing settled');
    return null;
  }
  // The dispute's report is the buyer's against the seller, or (the seller disputed the trade) the
  // seller's against the buyer: anything else is not this payment's.
  const buyerComplains = payment.buyerId === decision.reporterId && payment.sellerId === decision.targetUserId;
  const sellerComplains = payment.sellerId === decision.reporterId && payment.buyerId === decision.targetUserId;
  if (!buyerComplains && !sellerComplains) {
    deps.logger.error({ ...log, reporterId: decision.reporterId, targetUserId: decision.targetUserId }, 'a report decision names a payment between other people; nothing settled');
    return null;
  }
  if (payment.status !== 'DISPUTED') {
    deps.logger.info({ ...log, status: payment.status }, 'the disputed payment is already settled; nothing moved');
    return null;
  }
  // Upholding the buyer's complaint refunds the buyer; upholding the seller's pays the seller.
  const to = (decision.decision === 'ACCEPT') === buyerComplains ? 'REFUNDED' : 'RELEASED';
  const moved = await deps.escrow.move(unit, payment, { to, actor: 'MODERATOR', reason: DISPUTE_DECISION_REASONS[decision.decision] });
  // Best effort at once; the settle job returns a refund the provider has not returned yet.
  if (moved?.status === 'REFUNDED') unit.defer(() => deps.sync.returnRefund(moved, 'DISPUTE_UPHELD'));
  return moved;
}

/**
 * A party disputed the trade (transaction.disputed): held money must not go to the seller on
 * auto-release nor back on its own, so it is frozen for a moderator (DISPUTED, which opens the
 * case); a payment not made yet is cancelled, as a disputed trade should not be paid into.
 */
export async function freezeForDispute(deps: DisputeDecisionDeps, unit: Unit, trade: EventData<'transaction.disputed'>): Promise<PaymentRecord | null> {
  const payment = await deps.payments.liveOfTransaction(unit.tx, trade.transactionId);
  if (!payment) return null;
  if (payment.status === 'HELD') {
    const bySeller = trade.by === payment.sellerId;
    return deps.escrow.move(unit, payment, { to: 'DISPUTED', actor: bySeller ? 'PLATFORM' : 'BUYER', reason: TRADE_DISPUTE_REASONS[bySeller ? 'SELLER' : 'BUYER'] });
  }
  if (payment.status === 'AWAITING_PAYMENT' || payment.status === 'AWAITING_GUARDIAN') {
    return deps.escrow.move(unit, payment, { to: 'CANCELLED', actor: 'PLATFORM', reason: 'TRADE_DISPUTED' });
  }
  return null;
}
