import type { QueryResolvers } from '../generated/resolvers-types.ts';

export const reports: QueryResolvers['reports'] = (_parent, args, ctx) => ctx.services.queue.page(ctx, args);
export const reportCounts: QueryResolvers['reportCounts'] = (_parent, { status, type }, ctx) => ctx.services.queue.counts(ctx, status, type);
export const reportOutcomes: QueryResolvers['reportOutcomes'] = (_parent, { days }, ctx) => ctx.services.queue.outcomes(ctx, days);
