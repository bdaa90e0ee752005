import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const processReport: MutationResolvers['processReport'] = (_parent, { id, input }, ctx) => ctx.services.reports.process(ctx, id, input);
