import type { QueryResolvers } from '../generated/resolvers-types.ts';

export const riskAlerts: QueryResolvers['riskAlerts'] = (_parent, { userId, first }, ctx) => ctx.services.alerts.list(ctx, userId, first);
