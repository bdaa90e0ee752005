// What payment consumes, and why (it never reads another service's tables):
// - transaction.requested/accepted/completed/cancelled/disputed: the trade copy (a payment starts
//   only for an ACCEPTED trade, for the trade's price); a completed trade releases held money to
//   the seller; a cancelled one refunds held money (or cancels a payment not made yet).
//   A disputed trade freezes held money for a moderator (DISPUTED) and cancels a payment not made yet.
// - report.processed: a moderator's decision on the report a payment dispute opened refunds the
//   buyer (ACCEPT) or pays the seller (DISMISS) (payments/dispute-decisions.ts); other reports' decisions
//   name no payment and are ignored.
// Each effect is written in the consumer's transaction with the processed-event record, so a
// redelivered event changes nothing twice; the provider is called only after commit.
import type { AfterCommitHooks, EventEnvelope, EventHandlers, Logger } from '@anshim/platform';
import type { EventData } from '@anshim/contracts';
import type { ApprovalCopies } from '../copies/approval-copies.ts';
import type { TradeCopyRepository } from '../copies/trade-copy-repository.ts';
import type { Tx } from '../database.ts';
import type { TradeRecord } from '../model.ts';
import { freezeForDispute, settleDispute } from '../payments/dispute-decisions.ts';
import type { Escrow, Unit } from '../payments/escrow.ts';
import type { PaymentRepository } from '../payments/payment-repository.ts';
import type { ProviderSync } from '../payments/provider-sync.ts';

export interface ConsumerDeps {
  trades: TradeCopyRepository;
  payments: PaymentRepository;
  escrow: Escrow;
  sync: ProviderSync;
  logger: Logger;
  copies: ApprovalCopies;
}

type TradeEvent = EventData<'transaction.accepted'>;

export function paymentHandlers(deps: ConsumerDeps, hooks: AfterCommitHooks<Tx>): EventHandlers<'payment', Tx> {
  const unitOf = (tx: Tx): Unit => ({ tx, defer: (work) => hooks.schedule(tx, work) });
  const copy = (tx: Tx, data: TradeEvent, status: TradeRecord['status']) =>
    deps.trades.apply(tx, { transactionId: data.transactionId, productId: data.productId, buyerId: data.buyerId, sellerId: data.sellerId, price: data.amount, status }, new Date(data.at));

  const settleTrade = async (event: EventEnvelope<'transaction.completed' | 'transaction.cancelled'>, tx: Tx, outcome: 'COMPLETED' | 'CANCELLED') => {
    await copy(tx, event.data, outcome);
    const payment = await deps.payments.liveOfTransaction(tx, event.data.transactionId);
    if (!payment) return;
    const unit = unitOf(tx);
    if (outcome === 'COMPLETED' && payment.status === 'HELD') await deps.escrow.move(unit, payment, { to: 'RELEASED', actor: 'BUYER', reason: 'TRADE_COMPLETED' });
    if (outcome === 'CANCELLED' && payment.status === 'HELD') {
      const refunded = await deps.escrow.move(unit, payment, { to: 'REFUNDED', actor: 'PLATFORM', reason: 'TRADE_CANCELLED' });
      // Best effort at once; the settle job returns it otherwise.
      if (refunded) unit.defer(() => deps.sync.returnRefund(refunded));
    }
    if (outcome === 'CANCELLED' && (payment.status === 'AWAITING_PAYMENT' || payment.status === 'AWAITING_GUARDIAN')) {
      await deps.escrow.move(unit, payment, { to: 'CANCELLED', actor: 'PLATFORM', reason: 'TRADE_CANCELLED' });
    }
  };

  return {
    'transaction.requested': (event, tx) => copy(tx, event.data, 'REQUESTED'),
    'transaction.accepted': (event, tx) => copy(tx, event.data, 'ACCEPTED'),
    'transaction.disputed': async (event, tx) => {
      await copy(tx, event.data, 'DISPUTED');
      await freezeForDispute(deps, unitOf(tx), event.data);
    },
    'transaction.completed': (event, tx) => settleTrade(event, tx, 'COMPLETED'),
    'transaction.cancelled': (event, tx) => settleTrade(event, tx, 'CANCELLED'),
    'report.processed': async (event, tx) => {
      await settleDispute(deps, unitOf(tx), event.data);
    },
    'safety.score_changed': (event, tx) => deps.copies.saveGrade(tx, event.data.userId, event.data.grade, event.data.version),
    'product.created': (event, tx) => deps.copies.saveTitle(tx, event.data.productId, event.data.title),
  };
}
