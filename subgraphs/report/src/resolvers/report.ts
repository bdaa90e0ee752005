import type { QueryResolvers } from '../generated/resolvers-types.ts';

export const report: QueryResolvers['report'] = (_parent, { id }, ctx) => ctx.services.reports.byId(ctx, id);
