// The copy of each member's side of their trades and the ratings they received, fed by
// transaction.* events and refilled by the rebuild: the only code that writes trade_facts. Beside
// it, which trades were released through safe payment (payment.released → escrow_releases). Every
// trade is a row keyed by its own id, and only a newer event replaces it, so events may arrive
// late, twice or out of order.
import type { SqlExecutor } from '@anshim/platform';
import type { TradeInputsAnswer } from '@anshim/contracts';
import { ts, writeFact } from './copy-sql.ts';

export type TradeOutcome = 'COMPLETED' | 'CANCELLED' | 'DISPUTED';

export interface TradeChange {
  transactionId: string;
  buyerId: string;
  sellerId: string;
  outcome: TradeOutcome;
  byUserId: string;
  at: Date;
}

export interface Rating {
  transactionId: string;
  rateeId: string;
  raterId: string;
  rateeRole: 'SELLER' | 'BUYER';
  stars: number;
  at: Date;
}

export interface EscrowReleaseChange {
  transactionId: string;
  paymentId: string;
  buyerId: string;
  sellerId: string;
  at: Date;
}

export class TradeInputsRepository {
  /**
   * payment.released: the trade was paid through safe payment and the money went to the seller,
   * for both parties. Kept in escrow_releases, which the rebuild does not replace (transaction's
   * answer knows no payments) and which only grows: RELEASED is final, so a repeat changes nothing.
   */
  async escrowReleased(tx: SqlExecutor, release: EscrowReleaseChange): Promise<void> {
    await writeFact(
      tx,
      `INSERT INTO escrow_releases (user_id, transaction_id, counterpart_id, role, payment_id, released_at)
       VALUES ($2::uuid, $1::uuid, $3::uuid, 'BUYER', $4::uuid, $5::timestamp),
              ($3::uuid, $1::uuid, $2::uuid, 'SELLER', $4::uuid, $5::timestamp)
       ON CONFLICT (user_id, transaction_id) DO NOTHING`,
      [release.transactionId, release.buyerId, release.sellerId, release.paymentId, ts(release.at)],
      [release.buyerId, release.sellerId],
    );
  }

  async tradeOutcome(tx: SqlExecutor, change: TradeChange): Promise<void> {
    await writeFact(
      tx,
      `INSERT INTO trade_facts (transaction_id, user_id, counterpart_id, role, outcome, by_user_id, at)
       VALUES ($1::uuid, $2::uuid, $3::uuid, 'BUYER', $4::"TradeOutcome", $5::uuid, $6::timestamp),
              ($1::uuid, $3::uuid, $2::uuid, 'SELLER', $4::"TradeOutcome", $5::uuid, $6::timestamp)
       ON CONFLICT (transaction_id, user_id) DO UPDATE SET outcome = EXCLUDED.outcome, by_user_id = EXCLUDED.by_user_id, at = EXCLUDED.at,
         counterpart_id = EXCLUDED.counterpart_id, role = EXCLUDED.role
       WHERE trade_facts.at <= EXCLUDED.at`,
      [change.transactionId, change.buyerId, change.sellerId, change.outcome, change.byUserId, ts(change.at)],
      [change.buyerId, change.sellerId],
    );
  }

  /** A rating may arrive before the trade's completion: the row waits as OPEN with the earliest time. */
  async rated(tx: SqlExecutor, rating: Rating): Promise<void> {
    await writeFact(
      tx,
      `INSERT INTO trade_facts (transaction_id, user_id, counterpart_id, role, outcome, by_user_id, at, stars, rated_at)
       VALUES ($1::uuid, $2::uuid, $3::uuid, $4, 'OPEN', $3::uuid, 'epoch'::timestamp, $5, $6::timestamp)
       ON CONFLICT (transaction_id, user_id) DO UPDATE SET stars = EXCLUDED.stars, rated_at = EXCLUDED.rated_at
       WHERE trade_facts.rated_at IS NULL OR trade_facts.rated_at <= EXCLUDED.rated_at`,
      [rating.transactionId, rating.rateeId, rating.raterId, rating.rateeRole, rating.stars, ts(rating.at)],
      [rating.rateeId],
    );
  }

  /** The rebuild: replaces the users' trade rows (their side of each trade) and ratings with transaction's answer. */
  async replace(tx: SqlExecutor, userIds: readonly string[], answer: TradeInputsAnswer): Promise<void> {
    await tx.$executeRawUnsafe(`DELETE FROM trade_facts WHERE user_id = ANY($1::uuid[])`, [...userIds]);
    const mine = new Set(userIds);
    for (const t of answer.trades) {
      for (const [userId, counterpartId, role] of [[t.buyerId, t.sellerId, 'BUYER'], [t.sellerId, t.buyerId, 'SELLER']] as const) {
        if (!mine.has(userId)) continue;
        await tx.$executeRawUnsafe(
          `INSERT INTO trade_facts (transaction_id, user_id, counterpart_id, role, outcome, by_user_id, at)
           VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5::"TradeOutcome", $6::uuid, $7::timestamp)`,
          t.transactionId, userId, counterpartId, role, t.outcome, t.by, t.at,
        );
      }
    }
    for (const r of answer.ratings) {
      if (mine.has(r.rateeId)) await this.rated(tx, { ...r, at: new Date(r.at) });
    }
  }
}
