// Fields of Transaction: the product is loaded in a batch; parties are references to User.
import type { TransactionResolvers } from '../generated/resolvers-types.ts';

export const Transaction: TransactionResolvers = {
  __resolveReference: (reference, ctx) => ctx.services.trades.reference(ctx, reference.id),
  // The parties see their trade's product even after the seller hid it.
  product: async (trade, _args, ctx) => (await ctx.loaders.product.load(trade.productId))!,
  buyer: (trade) => ({ id: trade.buyerId }),
  seller: (trade) => ({ id: trade.sellerId }),
  history: (trade, _args, ctx) => ctx.services.trades.history(ctx, trade),
  meetingSpot: (trade, _args, ctx) => ctx.services.zones.spotOf(ctx, trade),
  safetyNotice: (trade, _args, ctx) => ctx.services.trades.safetyNotice(ctx, trade),
  checkedInAt: (trade, _args, ctx) => ctx.services.checkIns.checkedInAt(ctx, trade),
};
