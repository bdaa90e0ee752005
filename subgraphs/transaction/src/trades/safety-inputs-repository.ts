// What safety's rebuild reads from this service (POST /internal/safety-inputs, service identity
// only): for a set of users, the trades that ended with who ended them and when (the last status
// change into the trade's status: what transaction.completed/cancelled/disputed said), the ratings
// they received, and their listings. Read-only; never on a request path.
import type { TradeInputsAnswer } from '@anshim/contracts';
import type { TransactionPrisma } from '../database.ts';

const iso = (date: Date) => date.toISOString();

export class SafetyInputsRepository {
  constructor(private readonly prisma: TransactionPrisma) {}

  async forUsers(userIds: readonly string[]): Promise<TradeInputsAnswer> {
    const ids = [...userIds];
    const [trades, ratings, products] = await Promise.all([
      this.prisma.$queryRaw<Array<{ id: string; buyer_id: string; seller_id: string; status: 'COMPLETED' | 'CANCELLED' | 'DISPUTED'; by_id: string; at: Date }>>`
        SELECT t.id::text, t.buyer_id::text, t.seller_id::text, t.status::text AS status, c.by_id::text, c.at
          FROM transactions t
          CROSS JOIN LATERAL (SELECT by_id, at FROM transaction_status_changes c
                               WHERE c.transaction_id = t.id AND c.to_status = t.status ORDER BY c.at DESC LIMIT 1) c
         WHERE (t.buyer_id = ANY(${ids}::uuid[]) OR t.seller_id = ANY(${ids}::uuid[]))
           AND t.status IN ('COMPLETED', 'CANCELLED', 'DISPUTED')`,
      this.prisma.$queryRaw<Array<{ transaction_id: string; rater_id: string; ratee_id: string; seller_id: string; stars: number; created_at: Date }>>`
        SELECT r.transaction_id::text, r.rater_id::text, r.ratee_id::text, t.seller_id::text, r.stars, r.created_at
          FROM ratings r JOIN transactions t ON t.id = r.transaction_id
         WHERE r.ratee_id = ANY(${ids}::uuid[])`,
      this.prisma.product.findMany({
        where: { sellerId: { in: ids } },
        select: { id: true, sellerId: true, category: true, price: true, createdAt: true },
      }),
    ]);
    return {
      trades: trades.map((t) => ({ transactionId: t.id, buyerId: t.buyer_id, sellerId: t.seller_id, outcome: t.status, by: t.by_id, at: iso(t.at) })),
      ratings: ratings.map((r) => ({
        transactionId: r.transaction_id,
        raterId: r.rater_id,
        rateeId: r.ratee_id,
        rateeRole: r.ratee_id === r.seller_id ? 'SELLER' : 'BUYER',
        stars: Number(r.stars),
        at: iso(r.created_at),
      })),
      products: products.map((p) => ({ productId: p.id, sellerId: p.sellerId, category: p.category, price: p.price, createdAt: iso(p.createdAt) })),
    };
  }
}
