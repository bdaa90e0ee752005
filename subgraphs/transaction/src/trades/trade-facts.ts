// /internal/trade-facts: what a copy elsewhere asks before answering NOT_FOUND for a product or a
// trade whose event is still on its way (report's and chat's copies, issue 18 point 5). A hidden
// product is still a product (a report about it is legitimate; chat refuses it by its status): its
// seller and status, and a trade's parties, are all it tells.
import type { TradeFactsAnswer, TradeFactsRequest } from '@anshim/contracts';
import type { TransactionPrisma } from '../database.ts';

export async function tradeFacts(prisma: TransactionPrisma, request: TradeFactsRequest): Promise<TradeFactsAnswer> {
  const [product, trade] = await Promise.all([
    request.productId ? prisma.product.findUnique({ where: { id: request.productId }, select: { id: true, sellerId: true, status: true, updatedAt: true } }) : null,
    request.transactionId
      ? prisma.transaction.findUnique({
          where: { id: request.transactionId },
          select: {
            id: true,
            productId: true,
            buyerId: true,
            sellerId: true,
            changes: { where: { toStatus: 'ACCEPTED' }, orderBy: { at: 'asc' }, take: 1, select: { at: true } },
          },
        })
      : null,
  ]);
  return {
    // updated_at moves with every status change (Prisma sets it in the same write, after the event's
    // time was taken), so it is a safe lower bound for the copy's order check.
    product: product ? { productId: product.id, sellerId: product.sellerId, status: product.status, statusAt: product.updatedAt.toISOString() } : null,
    transaction: trade
      ? { transactionId: trade.id, productId: trade.productId, buyerId: trade.buyerId, sellerId: trade.sellerId, acceptedAt: trade.changes[0]?.at.toISOString() ?? null }
      : null,
  };
}
