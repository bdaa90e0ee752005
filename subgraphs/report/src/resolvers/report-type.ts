// The Report entity: references resolve with the same visibility rule as `report(id)`; the
// reporter, their words, the product and the trade are hidden from the reported user; evidence
// URLs only for the reporter and ADMINs; the internal resolution only for ADMINs
// (report-visibility.ts). Sanction.reason is the public reason, for everyone.
import type { ReportResolvers, SanctionResolvers } from '../generated/resolvers-types.ts';
import { descriptionFor, mayKnowWhere, publicSanctionReason, resolutionFor, reviewerFor } from '../reports/report-visibility.ts';

export const Report: ReportResolvers = {
  __resolveReference: (ref, ctx) => ctx.services.reports.reference(ctx, ref.id),
  description: (report, _args, ctx) => descriptionFor(ctx.identity, report, ctx.locale),
  reporter: (report, _args, ctx) => ctx.services.reports.reporterOf(ctx, report),
  target: (report) => ({ id: report.targetUserId }),
  product: (report, _args, ctx) => (report.productId && mayKnowWhere(ctx.identity, report) ? { id: report.productId } : null),
  transaction: (report, _args, ctx) => (report.transactionId && mayKnowWhere(ctx.identity, report) ? { id: report.transactionId } : null),
  // Like the trade: a payment has two parties, so showing it to the target would name the reporter.
  payment: (report, _args, ctx) => (report.paymentId && mayKnowWhere(ctx.identity, report) ? { id: report.paymentId } : null),
  evidence: (report, _args, ctx) => ctx.services.reports.evidenceOf(ctx, report),
  resolution: (report, _args, ctx) => resolutionFor(ctx.identity, report, ctx.locale),
  sanction: (report) => report.sanction,
  reviewer: (report, _args, ctx) => reviewerFor(ctx.identity, report),
  paymentIdentifiers: (report, _args, ctx) => ctx.services.registry.namedInReport(ctx, report.id),
  decidedAt: (report) => report.processedAt,
};

export const Sanction: SanctionResolvers = {
  reason: (sanction, _args, ctx) => publicSanctionReason(sanction, ctx.locale),
};
