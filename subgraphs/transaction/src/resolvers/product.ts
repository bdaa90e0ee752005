import type { QueryResolvers } from '../generated/resolvers-types.ts';

export const product: QueryResolvers['product'] = (_parent, { id }, ctx) => ctx.services.products.byId(ctx, id);
