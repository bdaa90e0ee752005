// transaction.* events → each trade's parties, price and status, so a payment starts only for an
// ACCEPTED trade and its amount is the trade's price, never the client's. Written only by the consumer.
import type { PaymentPrisma, Tx } from '../database.ts';
import type { TradeRecord } from '../model.ts';

export class TradeCopyRepository {
  constructor(private readonly prisma: PaymentPrisma) {}

  async get(transactionId: string, tx: Tx = this.prisma): Promise<TradeRecord | null> {
    const row = await tx.tradeCopy.findUnique({ where: { transactionId } });
    return row ? { ...row, status: row.status as TradeRecord['status'] } : null;
  }

  /** Applies a trade's status at `at`; an event older than the copy changes nothing (order-tolerant). */
  async apply(tx: Tx, trade: TradeRecord, at: Date): Promise<void> {
    const { transactionId, ...fields } = trade;
    await tx.tradeCopy.upsert({ where: { transactionId }, create: { transactionId, ...fields, statusAt: at }, update: {} });
    await tx.tradeCopy.updateMany({ where: { transactionId, statusAt: { lt: at } }, data: { status: trade.status, price: trade.price, statusAt: at } });
  }
}
