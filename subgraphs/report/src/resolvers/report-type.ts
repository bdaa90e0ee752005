// The Report entity: references resolve with the same visibility rule as `report(id)`; the
// reporter is hidden from the reported user; evidence URLs only for the reporter and ADMINs.
import type { ReportResolvers } from '../generated/resolvers-types.ts';

export const Report: ReportResolvers = {
  __resolveReference: (ref, ctx) => ctx.services.reports.reference(ctx, ref.id),
  reporter: (report, _args, ctx) => ctx.services.reports.reporterOf(ctx, report),
  target: (report) => ({ id: report.targetUserId }),
  product: (report) => (report.productId ? { id: report.productId } : null),
  transaction: (report) => (report.transactionId ? { id: report.transactionId } : null),
  evidence: (report, _args, ctx) => ctx.services.reports.evidenceOf(ctx, report),
  sanction: (report) => report.sanction,
};
