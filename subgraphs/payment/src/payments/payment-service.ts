// Safe payments as members see them: starting one for an accepted trade (the amount is the trade's
// price, one live payment per trade), reading (payer, payee or ADMIN), disputing held money.
// Status changes go through the Escrow; provider calls happen outside database transactions.
import { BadInputError, channelIterator, ConflictError, ForbiddenError, isUniqueViolation, NotFoundError, requireIdentity, type ChannelIterator } from '@anshim/platform';
import type { TradeCopyRepository } from '../copies/trade-copy-repository.ts';
import { messages } from '../messages.ts';
import { checkId, type PaymentRecord, type StatusChangeRecord } from '../model.ts';
import type { GuardianApprovals } from '../guardian-approval/guardian-approvals.ts';
import type { PaymentScope } from '../scope.ts';
import type { CheckoutOpener } from './checkout-opener.ts';
import type { Escrow } from './escrow.ts';
import { userPaymentChannel, type PublishedPaymentChange } from './payment-channels.ts';
import type { PaymentRepository } from './payment-repository.ts';
import type { RunUnit } from './units.ts';

const MAX_REASON = 1_000;

export interface PaymentServiceDeps {
  payments: PaymentRepository;
  trades: TradeCopyRepository;
  escrow: Escrow;
  checkout: CheckoutOpener;
  approvals: GuardianApprovals;
  runUnit: RunUnit;
  /** The provider's name, recorded on each payment. */
  providerName: string;
}

export class PaymentService {
  constructor(private readonly deps: PaymentServiceDeps) {}

  /**
   * startSafePayment: the buyer of an ACCEPTED trade; the provider's checkout comes back as checkoutUrl.
   * A payment a guardian must approve (guardian-approval/) starts in AWAITING_GUARDIAN with its
   * approval and no checkout: nothing is asked of the provider before the guardian said yes.
   */
  async start(scope: PaymentScope, transactionId: string): Promise<PaymentRecord> {
    const me = requireIdentity(scope);
    const id = checkId(transactionId);
    const trade = await this.deps.trades.get(id);
    if (!trade) throw new NotFoundError(messages.tradeNotFound);
    if (trade.buyerId !== me.userId) {
      // The seller learns the rule; a stranger learns nothing about the trade.
      if (trade.sellerId === me.userId) throw new ForbiddenError(messages.buyerOnly, { reason: 'BUYER_ONLY' });
      throw new NotFoundError(messages.tradeNotFound);
    }
    if (trade.status !== 'ACCEPTED') throw new ConflictError(messages.tradeNotAccepted, { reason: 'TRADE_NOT_ACCEPTED', tradeStatus: trade.status });
    const approval = await this.deps.approvals.plan(trade);
    const payment = await this.deps
      .runUnit(async (unit) => {
        const created = await this.deps.payments.createLive(unit.tx, {
          transactionId: id,
          productId: trade.productId,
          buyerId: trade.buyerId,
          sellerId: trade.sellerId,
          amount: trade.price,
          provider: this.deps.providerName,
        }, approval ? 'AWAITING_GUARDIAN' : 'AWAITING_PAYMENT');
        await this.deps.escrow.created(unit, created, 'BUYER', approval ? 'GUARDIAN_APPROVAL_REQUESTED' : null);
        if (approval) await this.deps.approvals.request(unit, created, approval);
        return created;
      })
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) throw new ConflictError(messages.paymentExists, { reason: 'PAYMENT_EXISTS' });
        throw error;
      });
    return approval ? payment : this.deps.checkout.open(payment);
  }

  /** payment(id) and every Payment reference: the payer, the payee or an ADMIN; anyone else null. */
  async readable(scope: PaymentScope, id: string): Promise<PaymentRecord | null> {
    const me = requireIdentity(scope);
    const payment = await scope.loaders.payments.load(checkId(id));
    if (!payment) return null;
    return payment.buyerId === me.userId || payment.sellerId === me.userId || me.role === 'ADMIN' ? payment : null;
  }

  /** Transaction.payment: the trade's payment for its parties or an ADMIN; null for anyone else. */
  async ofTransaction(scope: PaymentScope, transactionId: string): Promise<PaymentRecord | null> {
    if (!scope.identity) return null;
    const payment = await scope.loaders.paymentsOfTransactions.load(transactionId);
    if (!payment) return null;
    return payment.buyerId === scope.identity.userId || payment.sellerId === scope.identity.userId || scope.identity.role === 'ADMIN' ? payment : null;
  }

  /** The checkout link is the payer's alone, and only while it can still be used. */
  checkoutUrlFor(scope: PaymentScope, payment: PaymentRecord): string | null {
    return payment.status === 'AWAITING_PAYMENT' && scope.identity?.userId === payment.buyerId ? payment.checkoutUrl : null;
  }

  /** myPayments: the member's payments as they change (their own channel only). */
  subscribe(scope: PaymentScope): ChannelIterator<PublishedPaymentChange> {
    const me = requireIdentity(scope);
    return channelIterator<PublishedPaymentChange>(scope.hub, userPaymentChannel(me.userId), { filter: (change) => change.partyIds.includes(me.userId), logger: scope.logger });
  }

  /** A published change, read fresh (no request cache: a subscription lives across many changes). */
  async changed(scope: PaymentScope, change: PublishedPaymentChange): Promise<PaymentRecord> {
    const me = requireIdentity(scope);
    const payment = await this.deps.payments.byId(change.paymentId);
    if (!payment || (payment.buyerId !== me.userId && payment.sellerId !== me.userId)) throw new NotFoundError(messages.paymentNotFound);
    return payment;
  }

  history(scope: PaymentScope, payment: PaymentRecord): Promise<StatusChangeRecord[]> {
    return scope.loaders.histories.load(payment.id);
  }

  /** disputePayment: the buyer, while the money is held; it stays held until a moderator decides. */
  async dispute(scope: PaymentScope, id: string, reason: string): Promise<PaymentRecord> {
    const me = requireIdentity(scope);
    const text = reason.trim();
    if (!text || text.length > MAX_REASON) throw new BadInputError(messages.reasonRequired, { reason: 'REASON_LENGTH' });
    const payment = await this.readable(scope, id);
    if (!payment) throw new NotFoundError(messages.paymentNotFound);
    if (payment.buyerId !== me.userId) throw new ForbiddenError(messages.disputeBuyerOnly, { reason: 'BUYER_ONLY' });
    if (payment.status !== 'HELD') throw new ConflictError(messages.disputeNotHeld, { reason: 'NOT_HELD', status: payment.status });
    const moved = await this.deps.runUnit((unit) => this.deps.escrow.move(unit, payment, { to: 'DISPUTED', actor: 'BUYER', reason: text }));
    if (!moved) throw new ConflictError(messages.disputeNotHeld, { reason: 'NOT_HELD' });
    return moved;
  }
}
