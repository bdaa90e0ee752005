// GuardianApproval's reason in the reader's language (history reasons: payment-type.ts).
import { pick } from '@anshim/platform';
import type { GuardianApprovalResolvers } from '../generated/resolvers-types.ts';
import { messages } from '../messages.ts';

export const GuardianApproval: GuardianApprovalResolvers = {
  reason: (approval, _args, ctx) => pick(messages.approvalReason[approval.reasonCode], ctx.locale),
};
