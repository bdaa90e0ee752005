import type { ProductResolvers } from '../generated/resolvers-types.ts';

export const Product: ProductResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  riskWarnings: (product, _args, ctx) => ctx.services.alerts.productWarnings(ctx, product.id),
};
