// Fields of Product. The seller is a reference the gateway resolves in the user subgraph.
import type { ProductResolvers } from '../generated/resolvers-types.ts';

export const Product: ProductResolvers = {
  // Batched: `_entities` for many products is one SQL query per request.
  __resolveReference: (reference, ctx) => ctx.services.products.reference(ctx, reference.id),
  imageUrls: (product, _args, ctx) => ctx.services.products.imageUrls(product),
  thumbnailUrls: (product, _args, ctx) => ctx.services.products.thumbnailUrls(product),
  seller: (product) => ({ id: product.sellerId }),
};
