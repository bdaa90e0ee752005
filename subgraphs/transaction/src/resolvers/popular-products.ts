import type { QueryResolvers } from '../generated/resolvers-types.ts';

export const popularProducts: QueryResolvers['popularProducts'] = (_parent, { first }, ctx) => ctx.services.products.popular(ctx, first);
