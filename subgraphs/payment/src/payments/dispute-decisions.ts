// A moderator's decision settles a disputed payment. disputePayment keeps the money held and
// payment.disputed opens a report for the moderators (the report subgraph); their decision comes
// back as report.processed naming the payment: ACCEPT (the buyer's complaint is upheld) refunds the
// buyer through the provider, DISMISS pays the seller. The actor is MODERATOR, the only one the
// state machine lets move DISPUTED money. Nothing else ever moves it: neither the trade's end nor
// the settle job's auto-release (which reads HELD payments only).
//
// Runs in the event consumer's transaction with its processed-event record, and the move is the
// Escrow's conditional update: a redelivered decision, or a second one, moves no money twice.
import type { EventData } from '@anshim/contracts';
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
  // The dispute's report is the buyer's against the seller: anything else is not this payment's.
  if (payment.buyerId !== decision.reporterId || payment.sellerId !== decision.targetUserId) {
    deps.logger.error({ ...log, reporterId: decision.reporterId, targetUserId: decision.targetUserId }, 'a report decision names a payment between other people; nothing settled');
    return null;
  }
  if (payment.status !== 'DISPUTED') {
    deps.logger.info({ ...log, status: payment.status }, 'the disputed payment is already settled; nothing moved');
    return null;
  }
  const to = decision.decision === 'ACCEPT' ? 'REFUNDED' : 'RELEASED';
  const moved = await deps.escrow.move(unit, payment, { to, actor: 'MODERATOR', reason: DISPUTE_DECISION_REASONS[decision.decision] });
  // Best effort at once; the settle job returns a refund the provider has not returned yet.
  if (moved?.status === 'REFUNDED') unit.defer(() => deps.sync.returnRefund(moved, 'DISPUTE_UPHELD'));
  return moved;
}
