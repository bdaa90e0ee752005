// The User entity as this subgraph extends it: the gateway passes `{ id }`, nothing is loaded.
import type { UserResolvers } from '../generated/resolvers-types.ts';

export const User: UserResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  products: (user, { first }, ctx) => ctx.services.products.ofSeller(ctx, user.id, first),
  transactions: (user, { first, after }, ctx) => ctx.services.trades.ofUser(ctx, user.id, first, after),
  tradeStats: (user, _args, ctx) => ctx.services.trades.stats(ctx, user.id),
};
