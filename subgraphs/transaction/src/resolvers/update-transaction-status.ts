import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const updateTransactionStatus: MutationResolvers['updateTransactionStatus'] = (_parent, { id, status }, ctx) =>
  ctx.services.trades.updateStatus(ctx, id, status);
