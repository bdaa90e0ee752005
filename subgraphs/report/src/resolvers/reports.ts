import type { QueryResolvers } from '../generated/resolvers-types.ts';

export const reports: QueryResolvers['reports'] = (_parent, { status, first }, ctx) => ctx.services.reports.queue(ctx, status, first);
