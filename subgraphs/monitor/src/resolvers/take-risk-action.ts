import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const takeRiskAction: MutationResolvers['takeRiskAction'] = (_parent, { input }, ctx) => ctx.services.assessment.takeAction(ctx, input);
