// Payment: parties are references the gateway resolves; the checkout link is the payer's alone.
import { pick } from '@anshim/platform';
import type { PaymentResolvers, PaymentStatusChangeResolvers, TransactionResolvers } from '../generated/resolvers-types.ts';
import { messages } from '../messages.ts';

export const Payment: PaymentResolvers = {
  __resolveReference: (ref, ctx) => ctx.services.payments.readable(ctx, ref.id),
  transaction: (payment) => ({ id: payment.transactionId }),
  payer: (payment) => ({ id: payment.buyerId }),
  payee: (payment) => ({ id: payment.sellerId }),
  checkoutUrl: (payment, _args, ctx) => ctx.services.payments.checkoutUrlFor(ctx, payment),
  // Readable with the payment (payer, payee or ADMIN): the guardian's answer and its deadline.
  guardianApproval: (payment, _args, ctx) => ctx.loaders.approvals.load(payment.id),
  history: (payment, _args, ctx) => ctx.services.payments.history(ctx, payment),
};

export const Transaction: TransactionResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  payment: (trade, _args, ctx) => ctx.services.payments.ofTransaction(ctx, trade.id),
};

/** A moderator's decision reads as a plain sentence in the member's language; other reasons as stored. */
export const PaymentStatusChange: PaymentStatusChangeResolvers = {
  reason: (change, _args, ctx) => {
    const plain = change.reason !== null && Object.hasOwn(messages.historyReason, change.reason) ? messages.historyReason[change.reason as keyof typeof messages.historyReason] : null;
    return plain ? pick(plain, ctx.locale) : change.reason;
  },
};
