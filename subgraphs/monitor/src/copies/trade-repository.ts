// The monitor's copy of trades (known_trades), fed by transaction.requested and payment.started:
// which listing a trade is about, who buys and who sells, and when a safe payment was first
// started for it. Payment events name no listing, so the trade row is the join. The two events
// come on different topics and may arrive in either order, so each fills only its own columns.
import type { MonitorPrisma, Tx } from '../database.ts';

export interface TradeParties {
  transactionId: string;
  buyerId: string;
  sellerId: string;
}

export class TradeRepository {
  constructor(private readonly prisma: MonitorPrisma) {}

  /** transaction.requested: the trade's listing and parties. */
  async requested(tx: Tx, trade: TradeParties & { productId: string; at: Date }): Promise<void> {
    const { transactionId, productId, buyerId, sellerId, at } = trade;
    await tx.knownTrade.upsert({
      where: { transactionId },
      create: { transactionId, productId, buyerId, sellerId, requestedAt: at },
      update: { productId, requestedAt: at },
    });
  }

  /** payment.started: the earliest start counts (a failed payment started again is the same offer). */
  async safePaymentStarted(tx: Tx, trade: TradeParties & { at: Date }): Promise<void> {
    const { transactionId, buyerId, sellerId, at } = trade;
    await tx.$executeRaw`
      INSERT INTO known_trades (transaction_id, buyer_id, seller_id, safe_payment_started_at)
      VALUES (${transactionId}::uuid, ${buyerId}::uuid, ${sellerId}::uuid, ${at.toISOString()}::timestamp)
      ON CONFLICT (transaction_id) DO UPDATE
        SET safe_payment_started_at = LEAST(known_trades.safe_payment_started_at, EXCLUDED.safe_payment_started_at)`;
  }

  /**
   * The trade, if any, for which `buyerId` started a safe payment with `sellerId` at or before
   * `at`: on `productId` when the message names its listing (a trade whose listing is not known
   * yet does not match), else any of their trades. The newest such trade.
   */
  async safePaymentBetween(
    sellerId: string,
    buyerId: string,
    productId: string | null,
    at: Date,
    db: Tx | MonitorPrisma = this.prisma,
  ): Promise<{ transactionId: string; productId: string | null } | null> {
    return db.knownTrade.findFirst({
      where: { sellerId, buyerId, safePaymentStartedAt: { lte: at }, ...(productId ? { productId } : {}) },
      orderBy: { safePaymentStartedAt: 'desc' },
      select: { transactionId: true, productId: true },
    });
  }
}
