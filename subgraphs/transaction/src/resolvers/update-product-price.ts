import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const updateProductPrice: MutationResolvers['updateProductPrice'] = (_parent, { id, price }, ctx) =>
  ctx.services.products.updatePrice(ctx, id, price);
