import type { QueryResolvers } from '../generated/resolvers-types.ts';

export const products: QueryResolvers['products'] = (_parent, args, ctx) => ctx.services.products.list(ctx, args);
