// Subscription fields over Redis channels. myRiskAlerts: the caller's own channel (alerts where
// they are the subject or a recipient); riskAlerts: ADMIN, every alert (ALERT_CHANNEL) by level.
import { channelIterator } from '@anshim/platform';
import type { SubscriptionResolvers } from '../generated/resolvers-types.ts';
import { ALERT_CHANNEL, fromPublished, MonitorService, userAlertChannel, type PublishedAlert } from '../monitor-service.ts';

export const Subscription: SubscriptionResolvers = {
  myRiskAlerts: {
    subscribe: (_parent, _args, ctx) => {
      const me = ctx.services.monitor.requireIdentity(ctx);
      return channelIterator<PublishedAlert>(ctx.hub, userAlertChannel(me.userId), { filter: (alert) => MonitorService.concerns(alert, me.userId), logger: ctx.logger });
    },
    resolve: (alert: PublishedAlert) => fromPublished(alert),
  },
  riskAlerts: {
    subscribe: (_parent, { minLevel }, ctx) => {
      ctx.services.monitor.requireAdmin(ctx);
      const minimum = minLevel ?? 'MEDIUM';
      return channelIterator<PublishedAlert>(ctx.hub, ALERT_CHANNEL, { filter: (alert) => MonitorService.atLeast(alert, minimum), logger: ctx.logger });
    },
    resolve: (alert: PublishedAlert) => fromPublished(alert),
  },
};
