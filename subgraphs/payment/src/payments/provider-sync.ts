// What the provider says happened, applied to our payments: the buyer's return from checkout
// (we confirm the payment with the trade's amount), webhooks (verified, then the payment is read
// back from the provider: a webhook's payload is never believed), and the settle job, which repairs
// what a crash or an outage left half done (confirmed at the provider but not here, refunds not yet
// returned) and releases held money whose time has come.
import { systemClock, type Clock, type Logger } from '@anshim/platform';
import type { LedgerRepository } from '../ledger/ledger-repository.ts';
import { entryFor } from '../ledger/postings.ts';
import type { PaymentRecord } from '../model.ts';
import { ProviderRefusedError, type PaymentProvider, type ProviderPayment } from '../providers/provider.ts';
import type { Escrow } from './escrow.ts';
import type { PaymentRepository } from './payment-repository.ts';
import type { RunUnit } from './units.ts';

export interface ProviderSyncDeps {
  payments: PaymentRepository;
  ledger: LedgerRepository;
  escrow: Escrow;
  provider: PaymentProvider;
  runUnit: RunUnit;
  autoReleaseMs: number;
  logger: Logger;
}

/** What the buyer's browser is told after checkout (the app shows it in plain words). */
export type ReturnOutcome = 'HELD' | 'PENDING' | 'FAILED' | 'AMOUNT_MISMATCH' | 'UNKNOWN_ORDER';

export class ProviderSync {
  constructor(private readonly deps: ProviderSyncDeps, private readonly now: Clock = systemClock) {}

  /** GET /payments/return: success (paymentKey, orderId, amount) or failure (code, orderId). */
  async checkoutReturned(query: { paymentKey?: string; orderId?: string; amount?: string; code?: string }): Promise<{ payment: PaymentRecord | null; outcome: ReturnOutcome }> {
    const payment = query.orderId ? await this.deps.payments.byOrderId(query.orderId) : null;
    if (!payment) return { payment: null, outcome: 'UNKNOWN_ORDER' };
    if (query.code || !query.paymentKey) return { payment, outcome: await this.refresh(payment).then((p) => outcomeOf(p)) };
    if (payment.providerPaymentKey && query.paymentKey !== payment.providerPaymentKey) return { payment, outcome: 'UNKNOWN_ORDER' };
    // A payment no longer waiting (its trade was cancelled while the buyer was at checkout) is never
    // confirmed: the buyer's authorisation is not captured, so no money leaves them.
    if (payment.status !== 'AWAITING_PAYMENT') return { payment, outcome: outcomeOf(await this.refresh(payment)) };
    // The amount comes from the browser: it is compared, never used. We confirm the trade's price.
    if (Number(query.amount) !== payment.amount) return { payment, outcome: 'AMOUNT_MISMATCH' };
    return { payment, outcome: outcomeOf(await this.confirm(payment, query.paymentKey)) };
  }

  /** Confirms at the provider (idempotent) and applies the answer; on an outage the settle job retries. */
  async confirm(payment: PaymentRecord, paymentKey: string): Promise<PaymentRecord> {
    let answer: ProviderPayment;
    try {
      answer = await this.deps.provider.confirm({ paymentKey, orderId: payment.orderId, amount: payment.amount });
    } catch (error) {
      if (error instanceof ProviderRefusedError && error.code === 'ALREADY_PROCESSED_PAYMENT') answer = await this.deps.provider.get(paymentKey);
      else {
        this.deps.logger.warn({ err: error, paymentId: payment.id }, 'confirming a payment failed; the settle job will retry');
        return (await this.deps.payments.byId(payment.id)) ?? payment;
      }
    }
    return this.apply(payment, answer);
  }

  /** A verified webhook names a payment: read it back from the provider and apply that. */
  async webhook(notice: { paymentKey: string; orderId: string }): Promise<PaymentRecord | null> {
    const payment = await this.deps.payments.byOrderId(notice.orderId);
    if (!payment) return null;
    const answer = await this.deps.provider.get(notice.paymentKey);
    if (answer.orderId !== payment.orderId) return null;
    return this.apply(payment, answer);
  }

  /** The provider's record of a payment we have a key for, applied. */
  async refresh(payment: PaymentRecord): Promise<PaymentRecord> {
    if (!payment.providerPaymentKey) return payment;
    return this.apply(payment, await this.deps.provider.get(payment.providerPaymentKey));
  }

  /** Makes our payment agree with the provider's record (each branch is idempotent). */
  async apply(payment: PaymentRecord, answer: ProviderPayment): Promise<PaymentRecord> {
    const current = (await this.deps.payments.byId(payment.id)) ?? payment;
    if (current.status === 'AWAITING_PAYMENT' && answer.status === 'IN_PROGRESS') return this.confirm(current, answer.paymentKey);
    if (current.status === 'AWAITING_PAYMENT' && answer.status === 'DONE') {
      if (answer.totalAmount !== current.amount) {
        // Never hold a wrong amount: give it back and fail the payment.
        this.deps.logger.error({ paymentId: current.id, expected: current.amount, paid: answer.totalAmount }, 'provider confirmed a different amount; cancelling');
        await this.deps.provider.cancel({ paymentKey: answer.paymentKey, orderId: current.orderId, reason: 'AMOUNT_MISMATCH' });
        return this.moveOrReread(current, { to: 'FAILED', actor: 'PROVIDER', reason: 'AMOUNT_MISMATCH' });
      }
      const autoReleaseAt = new Date(this.now().getTime() + this.deps.autoReleaseMs);
      return this.moveOrReread(current, { to: 'HELD', actor: 'PROVIDER', fields: { providerPaymentKey: answer.paymentKey, autoReleaseAt } });
    }
    if (current.status === 'AWAITING_PAYMENT' && (answer.status === 'ABORTED' || answer.status === 'EXPIRED')) {
      return this.moveOrReread(current, { to: 'FAILED', actor: 'PROVIDER', reason: answer.status });
    }
    if ((current.status === 'CANCELLED' || current.status === 'FAILED') && answer.status === 'DONE') {
      // Collected for a payment that stopped waiting meanwhile (the trade was cancelled while our
      // confirmation was on its way): nothing was booked, so the money goes straight back.
      this.deps.logger.warn({ paymentId: current.id, status: current.status }, 'the provider collected money for a payment no longer waiting; cancelling it there');
      await this.deps.provider.cancel({ paymentKey: answer.paymentKey, orderId: current.orderId, reason: `PAYMENT_${current.status}` });
    }
    return current;
  }

  /** REFUNDED money goes back through the provider once; the ledger records it when the provider did. */
  async returnRefund(payment: PaymentRecord, reason = 'TRADE_CANCELLED'): Promise<void> {
    if (payment.status !== 'REFUNDED' || !payment.providerPaymentKey) return;
    if ((await this.deps.ledger.movementsOf(payment.id)).includes('REFUND_RETURNED')) return;
    let answer = await this.deps.provider.get(payment.providerPaymentKey);
    if (answer.status === 'DONE') answer = await this.deps.provider.cancel({ paymentKey: payment.providerPaymentKey, orderId: payment.orderId, reason });
    if (answer.status !== 'CANCELED') return;
    await this.deps.runUnit((unit) => this.deps.ledger.record(unit.tx, entryFor('REFUND_RETURNED', payment)));
  }

  /**
   * The payment after the move; when another path moved it first (the webhook and the buyer's
   * return race for the same confirmation), as that one left it.
   */
  private async moveOrReread(payment: PaymentRecord, move: Parameters<Escrow['move']>[2]): Promise<PaymentRecord> {
    const moved = await this.deps.runUnit((unit) => this.deps.escrow.move(unit, payment, move));
    return moved ?? (await this.deps.payments.byId(payment.id)) ?? payment;
  }
}

function outcomeOf(payment: PaymentRecord): ReturnOutcome {
  if (payment.status === 'HELD') return 'HELD';
  if (payment.status === 'FAILED' || payment.status === 'CANCELLED') return 'FAILED';
  return 'PENDING';
}
