import type { QueryResolvers } from '../generated/resolvers-types.ts';

export const checkPaymentIdentifier: QueryResolvers['checkPaymentIdentifier'] = (_parent, { input }, ctx) => ctx.services.registry.check(ctx, input);
