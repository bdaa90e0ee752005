import type { QueryResolvers } from '../generated/resolvers-types.ts';

export const transaction: QueryResolvers['transaction'] = (_parent, { id }, ctx) => ctx.services.trades.byId(ctx, id);
