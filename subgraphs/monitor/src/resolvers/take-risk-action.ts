import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const takeRiskAction: MutationResolvers['takeRiskAction'] = (_parent, { input }, ctx) => ctx.services.monitor.takeAction(ctx, input);
