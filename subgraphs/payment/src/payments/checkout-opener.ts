// Opening the provider's checkout for an AWAITING_PAYMENT payment: right after startSafePayment,
// or once a guardian approved the payment (guardian-approval/). Outside any database transaction.
import { TemporarilyUnavailableError, type Logger } from '@anshim/platform';
import { messages } from '../messages.ts';
import type { PaymentRecord } from '../model.ts';
import type { PaymentProvider } from '../providers/provider.ts';
import type { Escrow } from './escrow.ts';
import type { PaymentRepository } from './payment-repository.ts';
import type { RunUnit } from './units.ts';

export interface CheckoutOpenerDeps {
  payments: PaymentRepository;
  escrow: Escrow;
  provider: PaymentProvider;
  runUnit: RunUnit;
  /** <gateway>/payments/return: where the provider's checkout sends the buyer back. */
  returnUrl: string;
  logger: Logger;
}

export class CheckoutOpener {
  constructor(private readonly deps: CheckoutOpenerDeps) {}

  /**
   * Asks the provider for a checkout (idempotent on the order id). A provider that cannot answer
   * fails the payment, so the buyer may start again; no money has moved.
   */
  async open(payment: PaymentRecord): Promise<PaymentRecord> {
    try {
      const created = await this.deps.provider.create({
        orderId: payment.orderId,
        amount: payment.amount,
        orderName: `안심결제 ${payment.amount.toLocaleString('ko-KR')}원`,
        successUrl: this.deps.returnUrl,
        failUrl: this.deps.returnUrl,
      });
      if (!created.checkoutUrl) throw new Error('the provider gave no checkout URL');
      await this.deps.payments.setCheckout(payment.id, created.checkoutUrl, created.paymentKey);
      return { ...payment, checkoutUrl: created.checkoutUrl, providerPaymentKey: created.paymentKey };
    } catch (error) {
      this.deps.logger.warn({ err: error, paymentId: payment.id }, 'the provider could not open a checkout');
      await this.deps.runUnit(async (unit) => this.deps.escrow.move(unit, payment, { to: 'FAILED', actor: 'PROVIDER', reason: 'PROVIDER_UNAVAILABLE' }));
      throw new TemporarilyUnavailableError(messages.providerUnavailable, { reason: 'PROVIDER_UNAVAILABLE' });
    }
  }
}
