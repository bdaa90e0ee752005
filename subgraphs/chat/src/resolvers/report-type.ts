// Report, extended with the conversations it links: ADMIN only, each one an audited read.
import type { ReportResolvers } from '../generated/resolvers-types.ts';

export const Report: ReportResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  conversations: (report, { first }, ctx) => ctx.services.conversations.linkedToReport(ctx, report.id, first),
};
