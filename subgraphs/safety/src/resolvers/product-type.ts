// Product.sellerSafety: the seller's display plus listing-level hints, from safety's own product copy.
import type { ProductResolvers } from '../generated/resolvers-types.ts';

export const Product: ProductResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  sellerSafety: (product, _args, ctx) => ctx.services.listings.sellerSafety(ctx, product.id),
};
