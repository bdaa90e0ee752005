import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const hideProduct: MutationResolvers['hideProduct'] = (_parent, { id }, ctx) => ctx.services.products.hide(ctx, id);
