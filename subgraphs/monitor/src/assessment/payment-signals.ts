// What the payment subgraph's events tell the monitor (payment.*): a safe payment started for a
// trade (kept in known_trades, read when the seller later asks to pay off the app: platform-
// signals.ts), a buyer disputing a seller's payment and a buyer's payment failing (Redis sliding
// windows keyed by the buyer and by the payment, so a redelivered event never counts twice).
// Each is assessed against its own rule only: the other rules are about chats and listings, and a
// dispute naming a protected buyer must not read as the seller "contacting" them.
import { TRADE_DISPUTE_REASONS, type EventData } from '@anshim/contracts';
import type { TradeRepository } from '../copies/trade-repository.ts';
import {
  DISPUTES_WINDOW_SECONDS,
  NOT_THE_PAYERS_FAILURE,
  PAYMENT_FAILURE_BURST,
  PAYMENT_FAILURES_WINDOW_SECONDS,
  REPEATED_DISPUTES,
} from '../rules/index.ts';
import type { AssessmentRecord, AssessmentService, FromEvent } from './assessment-service.ts';
import type { Rule } from '../rules/types.ts';
import type { SlidingWindows } from './sliding-windows.ts';

type PaymentChange = EventData<'payment.started'>;

/** A payment event counted in a sliding window against one party (the subject) and assessed by one rule. */
interface PaymentSignal {
  type: 'PAYMENT_DISPUTED' | 'PAYMENT_FAILED';
  subject: 'seller' | 'buyer';
  /** The Redis window, what one event adds to it (so a redelivered event never counts twice) and its length. */
  window: { name: string; member: (payment: PaymentChange) => string; seconds: number };
  fact: 'disputingBuyersInWindow' | 'failedPaymentsInWindow';
  rule: Rule;
}

/** Disputing buyers per seller; failed payments per buyer. */
const DISPUTED: PaymentSignal = { type: 'PAYMENT_DISPUTED', subject: 'seller', window: { name: 'disputes', member: (p) => p.buyerId, seconds: DISPUTES_WINDOW_SECONDS }, fact: 'disputingBuyersInWindow', rule: REPEATED_DISPUTES };
const FAILED: PaymentSignal = { type: 'PAYMENT_FAILED', subject: 'buyer', window: { name: 'payment-failures', member: (p) => p.paymentId, seconds: PAYMENT_FAILURES_WINDOW_SECONDS }, fact: 'failedPaymentsInWindow', rule: PAYMENT_FAILURE_BURST };

export class PaymentSignals {
  constructor(private readonly deps: { trades: TradeRepository; windows: SlidingWindows; assessment: AssessmentService }) {}

  /** payment.started: the buyer chose safe payment for this trade. Raises nothing by itself. */
  async started(payment: PaymentChange, from: FromEvent): Promise<void> {
    await this.deps.trades.safePaymentStarted(from.tx, { transactionId: payment.transactionId, buyerId: payment.buyerId, sellerId: payment.sellerId, at: new Date(payment.at) });
  }

  /**
   * payment.disputed: counts the disputing buyer against the seller (REPEATED_DISPUTES). A seller's
   * own trade dispute that froze the money is no buyer's complaint about them: not counted.
   */
  async disputed(payment: PaymentChange, from: FromEvent): Promise<AssessmentRecord | null> {
    if (payment.reason === TRADE_DISPUTE_REASONS.SELLER) return null;
    return this.countAndAssess(payment, from, DISPUTED);
  }

  /** payment.failed: counts the payment against its buyer (PAYMENT_FAILURE_BURST), unless the provider was at fault. */
  async failed(payment: PaymentChange, from: FromEvent): Promise<AssessmentRecord | null> {
    if (payment.reason && NOT_THE_PAYERS_FAILURE.includes(payment.reason)) return null;
    return this.countAndAssess(payment, from, FAILED);
  }

  /** Adds the payment to the subject's sliding window and assesses the subject against the one rule with that count. */
  private async countAndAssess(payment: PaymentChange, from: FromEvent, signal: PaymentSignal): Promise<AssessmentRecord | null> {
    const at = new Date(payment.at);
    const [userId, counterpartId] = signal.subject === 'seller' ? [payment.sellerId, payment.buyerId] : [payment.buyerId, payment.sellerId];
    const count = await this.deps.windows.addAndCount(signal.window.name, userId, signal.window.member(payment), signal.window.seconds, at);
    return this.deps.assessment.assess(
      { type: signal.type, userId, counterpartId, transactionId: payment.transactionId, amount: payment.amount, at },
      { [signal.fact]: count, counterpart: null },
      from,
      [signal.rule],
    );
  }
}
