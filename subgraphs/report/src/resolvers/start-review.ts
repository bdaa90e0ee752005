import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const startReview: MutationResolvers['startReview'] = (_parent, { id }, ctx) => ctx.services.reports.startReview(ctx, id);
