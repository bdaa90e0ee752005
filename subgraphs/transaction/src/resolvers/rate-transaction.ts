import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const rateTransaction: MutationResolvers['rateTransaction'] = (_parent, { id, stars, comment }, ctx) =>
  ctx.services.trades.rate(ctx, id, stars, comment);
