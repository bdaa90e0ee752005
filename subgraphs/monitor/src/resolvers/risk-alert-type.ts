// RiskAlert: message in the caller's language, acknowledged from the caller's point of view;
// subject, recipients, product and transaction are references the gateway resolves. An alert raised
// by reports (REPORT_*) carries the listing or trade of the report that tipped it: its subject would
// learn who reported them from it, so only ADMINs see those two.
import type { RiskAlertResolvers } from '../generated/resolvers-types.ts';
import type { RequestContext } from '@anshim/platform';

const mayKnowWhere = (alert: { rule: string }, ctx: RequestContext) => !alert.rule.startsWith('REPORT_') || ctx.identity?.role === 'ADMIN';

export const RiskAlert: RiskAlertResolvers = {
  __resolveReference: (ref, ctx) => ctx.services.alerts.visible(ctx, ref.id),
  message: (alert, _args, ctx) => ctx.services.alerts.message(ctx.locale, alert),
  subject: (alert) => ({ id: alert.subjectUserId }),
  recipients: (alert) => alert.recipients.map((r) => ({ id: r.userId })),
  product: (alert, _args, ctx) => (alert.productId && mayKnowWhere(alert, ctx) ? { id: alert.productId } : null),
  transaction: (alert, _args, ctx) => (alert.transactionId && mayKnowWhere(alert, ctx) ? { id: alert.transactionId } : null),
  acknowledged: (alert, _args, ctx) => ctx.services.alerts.acknowledged(ctx, alert),
};
