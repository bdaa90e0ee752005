// Copies fed by events, so a report's target, product and trade are checked without reading
// another service's tables: user ids (user.registered), product sellers (product.created) and
// trade parties (transaction.requested).
import type { ReportPrisma, Tx } from './database.ts';

export class KnownPartiesRepository {
  constructor(private readonly prisma: ReportPrisma) {}

  async userExists(id: string): Promise<boolean> {
    return (await this.prisma.knownUser.findUnique({ where: { id }, select: { id: true } })) !== null;
  }

  async product(id: string): Promise<{ id: string; sellerId: string } | null> {
    return this.prisma.knownProduct.findUnique({ where: { id }, select: { id: true, sellerId: true } });
  }

  async trade(id: string): Promise<{ id: string; productId: string; buyerId: string; sellerId: string } | null> {
    return this.prisma.knownTrade.findUnique({ where: { id }, select: { id: true, productId: true, buyerId: true, sellerId: true } });
  }

  async userRegistered(tx: Tx, id: string, registeredAt: Date): Promise<void> {
    await tx.knownUser.upsert({ where: { id }, create: { id, registeredAt }, update: {}, select: { id: true } });
  }

  async productCreated(tx: Tx, id: string, sellerId: string): Promise<void> {
    await tx.knownProduct.upsert({ where: { id }, create: { id, sellerId }, update: {}, select: { id: true } });
  }

  async tradeRequested(tx: Tx, trade: { id: string; productId: string; buyerId: string; sellerId: string }): Promise<void> {
    await tx.knownTrade.upsert({ where: { id: trade.id }, create: trade, update: {}, select: { id: true } });
  }
}
