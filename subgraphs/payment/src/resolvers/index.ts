import { DateTimeScalar } from '@anshim/platform';
import type { PaymentContext } from '../context.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';
import type { PublishedPaymentChange } from '../payments/payment-channels.ts';
import { GuardianApproval } from './guardian-approval-type.ts';
import { Payment, PaymentStatusChange, Transaction } from './payment-type.ts';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query: {
    payment: (_parent, { id }, ctx) => ctx.services.payments.readable(ctx, id),
  },
  Mutation: {
    startSafePayment: (_parent, { transactionId }, ctx) => ctx.services.payments.start(ctx, transactionId),
    disputePayment: (_parent, { id, reason }, ctx) => ctx.services.payments.dispute(ctx, id, reason),
    // No account: the guardian's SMS code is the proof (guardian-approval/guardian-approvals.ts).
    decideGuardianApproval: (_parent, { approvalId, code, approve }, ctx) => ctx.services.approvals.decide(approvalId, code, approve),
  },
  Subscription: {
    myPayments: {
      subscribe: (_parent, _args, ctx) => ctx.services.payments.subscribe(ctx),
      resolve: (change: PublishedPaymentChange, _args: unknown, ctx: PaymentContext) => ctx.services.payments.changed(ctx, change),
    },
  },
  Payment,
  PaymentStatusChange,
  Transaction,
  GuardianApproval,
};
