import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const unhideProduct: MutationResolvers['unhideProduct'] = (_parent, { id }, ctx) => ctx.services.products.unhide(ctx, id);
