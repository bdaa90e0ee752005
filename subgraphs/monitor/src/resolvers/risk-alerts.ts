import type { QueryResolvers } from '../generated/resolvers-types.ts';

export const riskAlerts: QueryResolvers['riskAlerts'] = (_parent, { userId, first, subjectOnly }, ctx) => ctx.services.alerts.list(ctx, userId, first, subjectOnly);

export const recentRiskAlerts: QueryResolvers['recentRiskAlerts'] = (_parent, { minLevel, first }, ctx) => ctx.services.alerts.recent(ctx, minLevel ?? 'LOW', first);
