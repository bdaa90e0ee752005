import type { QueryResolvers } from '../generated/resolvers-types.ts';

export const myReports: QueryResolvers['myReports'] = (_parent, _args, ctx) => ctx.services.reports.mine(ctx);
