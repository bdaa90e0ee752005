// GuardianApproval and the guardian's reasons in a payment's history, in the reader's language.
import { pick } from '@anshim/platform';
import type { GuardianApprovalResolvers, PaymentStatusChangeResolvers } from '../generated/resolvers-types.ts';
import { messages } from '../messages.ts';

export const GuardianApproval: GuardianApprovalResolvers = {
  reason: (approval, _args, ctx) => pick(messages.approvalReason[approval.reasonCode], ctx.locale),
};

/** A guardian step's reason code becomes a kind sentence; any other reason is shown as recorded. */
export const PaymentStatusChange: PaymentStatusChangeResolvers = {
  reason: (change, _args, ctx) => {
    const text = change.reason ? messages.historyReason[change.reason as keyof typeof messages.historyReason] : undefined;
    return text ? pick(text, ctx.locale) : change.reason;
  },
};
