// Subscription fields over Redis channels. myRiskAlerts: the caller's own channel (alerts where
// they are the subject or a recipient); riskAlerts: ADMIN, every alert (ALERT_CHANNEL) by level.
import { fromPublished, type PublishedAlert } from '../alerts/alert-channels.ts';
import type { SubscriptionResolvers } from '../generated/resolvers-types.ts';

export const Subscription: SubscriptionResolvers = {
  myRiskAlerts: {
    subscribe: (_parent, _args, ctx) => ctx.services.alerts.myAlerts(ctx),
    resolve: (alert: PublishedAlert) => fromPublished(alert),
  },
  riskAlerts: {
    subscribe: (_parent, { minLevel }, ctx) => ctx.services.alerts.allAlerts(ctx, minLevel ?? 'MEDIUM'),
    resolve: (alert: PublishedAlert) => fromPublished(alert),
  },
};
