// Trades, their status history and ratings: the only code that reads or writes `transactions`,
// `transaction_status_changes` and `ratings`. Every statement names its columns.
import { isUuid, readByUuids } from '@anshim/platform';
import { Prisma, type TransactionPrisma, type Tx } from '../database.ts';
import type { TradeStatus } from '../model.ts';

export const tradeSelect = {
  id: true, productId: true, buyerId: true, sellerId: true, status: true, price: true, completedAt: true,
  meetingSpotId: true, createdAt: true, updatedAt: true,
} as const satisfies Prisma.TransactionSelect;
export type TradeRecord = Prisma.TransactionGetPayload<{ select: typeof tradeSelect }>;

const changeSelect = { transactionId: true, fromStatus: true, toStatus: true, byId: true, at: true } as const satisfies Prisma.TransactionStatusChangeSelect;
export type StatusChangeRecord = Prisma.TransactionStatusChangeGetPayload<{ select: typeof changeSelect }>;

export interface TradeStatsRecord {
  completed: number;
  cancelled: number;
  disputed: number;
  completionRate: number;
  averageRating: number | null;
}

const TRADE_COLUMNS = Prisma.raw(`
  t.id::text AS "id", t.product_id::text AS "productId", t.buyer_id::text AS "buyerId", t.seller_id::text AS "sellerId",
  t.status::text AS "status", t.price, t.completed_at AS "completedAt", t.meeting_spot_id::text AS "meetingSpotId", t.created_at AS "createdAt", t.updated_at AS "updatedAt"`);

export class TradeRepository {
  constructor(private readonly prisma: TransactionPrisma) {}

  async findById(id: string, db: Tx = this.prisma): Promise<TradeRecord | null> {
    if (!isUuid(id)) return null;
    return db.transaction.findUnique({ where: { id }, select: tradeSelect });
  }

  async findManyByIds(ids: readonly string[]): Promise<TradeRecord[]> {
    return readByUuids(ids, (valid) => this.prisma.transaction.findMany({ where: { id: { in: valid } }, select: tradeSelect }));
  }

  /** A new REQUESTED trade and its first history entry (`from` null). */
  async create(tx: Tx, data: { productId: string; buyerId: string; sellerId: string; price: number; at: Date }): Promise<TradeRecord> {
    const trade = await tx.transaction.create({
      data: { productId: data.productId, buyerId: data.buyerId, sellerId: data.sellerId, price: data.price, createdAt: data.at },
      select: tradeSelect,
    });
    await tx.transactionStatusChange.create({
      data: { transactionId: trade.id, fromStatus: null, toStatus: 'REQUESTED', byId: data.buyerId, at: data.at },
      select: { id: true },
    });
    return trade;
  }

  /**
   * Moves the trade from `from` to `to` only if it is still `from` (evaluated under the row lock),
   * and records who did it. Returns the updated trade, or null if someone else changed it first.
   */
  async transition(tx: Tx, id: string, from: TradeStatus, to: TradeStatus, byId: string, at: Date): Promise<TradeRecord | null> {
    const { count } = await tx.transaction.updateMany({
      where: { id, status: from },
      data: { status: to, ...(to === 'COMPLETED' ? { completedAt: at } : {}) },
    });
    if (count !== 1) return null;
    await tx.transactionStatusChange.create({ data: { transactionId: id, fromStatus: from, toStatus: to, byId, at }, select: { id: true } });
    return tx.transaction.findUniqueOrThrow({ where: { id }, select: tradeSelect });
  }

  /** Sets the meeting spot only while the trade is still open; false if it no longer is. */
  async setMeetingSpot(tx: Tx, id: string, zoneId: string): Promise<TradeRecord | null> {
    const { count } = await tx.transaction.updateMany({ where: { id, status: { in: ['REQUESTED', 'ACCEPTED'] } }, data: { meetingSpotId: zoneId } });
    return count === 1 ? tx.transaction.findUniqueOrThrow({ where: { id }, select: tradeSelect }) : null;
  }

  async historyOf(ids: readonly string[]): Promise<StatusChangeRecord[]> {
    return readByUuids(ids, (valid) =>
      this.prisma.transactionStatusChange.findMany({
        where: { transactionId: { in: valid } },
        select: changeSelect,
        orderBy: [{ at: 'asc' }, { id: 'asc' }],
      }),
    );
  }

  /** Throws Prisma's unique violation (P2002) when the rater already rated this trade. */
  async addRating(tx: Tx, data: { transactionId: string; raterId: string; rateeId: string; stars: number; comment: string | null; at: Date }): Promise<void> {
    const { at, ...rating } = data;
    await tx.rating.create({ data: { ...rating, createdAt: at }, select: { transactionId: true } });
  }

  /** The newest `first` trades of each user (as buyer or seller), one statement for many users. */
  async ofUsers(userIds: readonly string[], first: number): Promise<Array<TradeRecord & { ownerId: string }>> {
    return readByUuids(userIds, (ids) =>
      this.prisma.$queryRaw(Prisma.sql`
        SELECT u.id::text AS "ownerId", x.* FROM unnest(${ids}::uuid[]) AS u(id)
        CROSS JOIN LATERAL (
          SELECT ${TRADE_COLUMNS} FROM transactions t
           WHERE t.buyer_id = u.id OR t.seller_id = u.id
           ORDER BY t.created_at DESC, t.id DESC LIMIT ${first}
        ) AS x`),
    );
  }

  /** One user's trades older than `cursor` in the order ofUsers lists them (newest first, then id). */
  async ofUserAfter(userId: string, cursor: Pick<TradeRecord, 'id'>, first: number): Promise<TradeRecord[]> {
    return this.prisma.$queryRaw<TradeRecord[]>(Prisma.sql`
      SELECT ${TRADE_COLUMNS} FROM transactions t
       WHERE (t.buyer_id = ${userId}::uuid OR t.seller_id = ${userId}::uuid)
         AND (t.created_at, t.id) < (SELECT c.created_at, c.id FROM transactions c WHERE c.id = ${cursor.id}::uuid)
       ORDER BY t.created_at DESC, t.id DESC LIMIT ${first}`);
  }

  /** Finished-trade counts and average stars received, for many users in one statement. */
  async statsOf(userIds: readonly string[]): Promise<Array<{ userId: string; completed: number; cancelled: number; disputed: number; averageRating: number | null }>> {
    return readByUuids(userIds, (ids) =>
      this.prisma.$queryRaw(Prisma.sql`
        SELECT u.id::text AS "userId",
               count(t.id) FILTER (WHERE t.status = 'COMPLETED')::int AS "completed",
               count(t.id) FILTER (WHERE t.status = 'CANCELLED')::int AS "cancelled",
               count(t.id) FILTER (WHERE t.status = 'DISPUTED')::int AS "disputed",
               (SELECT avg(r.stars)::float8 FROM ratings r WHERE r.ratee_id = u.id) AS "averageRating"
          FROM unnest(${ids}::uuid[]) AS u(id)
          LEFT JOIN transactions t ON t.buyer_id = u.id OR t.seller_id = u.id
         GROUP BY u.id`),
    );
  }
}
