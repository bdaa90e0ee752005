import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const recordActivity: MutationResolvers['recordActivity'] = (_parent, { input }, ctx) => ctx.services.assessment.record(ctx, input);
