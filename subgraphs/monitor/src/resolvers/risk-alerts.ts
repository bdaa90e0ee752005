import type { QueryResolvers } from '../generated/resolvers-types.ts';

export const riskAlerts: QueryResolvers['riskAlerts'] = (_parent, { userId, first }, ctx) => ctx.services.monitor.list(ctx, userId, first);
