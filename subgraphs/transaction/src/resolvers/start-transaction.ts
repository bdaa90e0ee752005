import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const startTransaction: MutationResolvers['startTransaction'] = (_parent, { productId }, ctx) => ctx.services.trades.start(ctx, productId);
