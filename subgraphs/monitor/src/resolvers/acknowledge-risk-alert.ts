import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const acknowledgeRiskAlert: MutationResolvers['acknowledgeRiskAlert'] = (_parent, { id }, ctx) => ctx.services.alerts.acknowledge(ctx, id);
