import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const createProduct: MutationResolvers['createProduct'] = (_parent, { input }, ctx) => ctx.services.products.create(ctx, input);
