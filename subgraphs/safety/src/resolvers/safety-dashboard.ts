// The ADMINs' dashboard: opening it checks the role; each field is its own query, run only when selected.
import type { QueryResolvers, SafetyDashboardResolvers } from '../generated/resolvers-types.ts';

export const safetyDashboard: QueryResolvers['safetyDashboard'] = (_parent, _args, ctx) => ctx.services.dashboard.open(ctx);

export const SafetyDashboard: SafetyDashboardResolvers = {
  usersByGrade: (_dashboard, _args, ctx) => ctx.services.dashboard.counts(ctx),
  averageScore: (_dashboard, _args, ctx) => ctx.services.dashboard.average(ctx),
  averageScoreByDay: (_dashboard, args, ctx) => ctx.services.dashboard.averageByDay(ctx, args.days),
  recentDrops: (_dashboard, args, ctx) => ctx.services.dashboard.drops(ctx, args.first),
};
