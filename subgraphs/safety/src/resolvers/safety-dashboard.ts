import type { QueryResolvers, SafetyDashboardResolvers } from '../generated/resolvers-types.ts';

export const safetyDashboard: QueryResolvers['safetyDashboard'] = (_parent, _args, ctx) => ctx.services.safety.dashboard(ctx);

export const SafetyDashboard: SafetyDashboardResolvers = {
  usersByGrade: (_dashboard, _args, ctx) => ctx.services.safety.dashboardCounts(ctx),
  averageScore: (_dashboard, _args, ctx) => ctx.services.safety.dashboardAverage(ctx),
  recentDrops: (_dashboard, args, ctx) => ctx.services.safety.dashboardDrops(ctx, args.first),
};
