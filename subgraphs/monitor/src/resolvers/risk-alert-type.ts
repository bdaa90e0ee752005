// RiskAlert: message in the caller's language, acknowledged from the caller's point of view;
// subject, recipients, product and transaction are references the gateway resolves.
import type { RiskAlertResolvers } from '../generated/resolvers-types.ts';

export const RiskAlert: RiskAlertResolvers = {
  __resolveReference: (ref, ctx) => ctx.services.monitor.visible(ctx, ref.id),
  message: (alert, _args, ctx) => ctx.services.monitor.message(ctx.locale, alert),
  subject: (alert) => ({ id: alert.subjectUserId }),
  recipients: (alert) => alert.recipients.map((r) => ({ id: r.userId })),
  product: (alert) => (alert.productId ? { id: alert.productId } : null),
  transaction: (alert) => (alert.transactionId ? { id: alert.transactionId } : null),
  acknowledged: (alert, _args, ctx) => ctx.services.monitor.acknowledged(ctx, alert),
};
