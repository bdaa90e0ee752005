// Copies fed by other services' events (never their tables): when each user registered, their
// protected mode and minimum counterpart grade, their latest safety grade, and listing prices per
// category for PRICE_TOO_GOOD. Plus the raw activity table the write-behind buffer flushes into.
// Events may arrive late (a consumer waits an outage out for hours) and out of order: each part keeps
// the time or version of the event that set it, and an older event changes nothing.
import type { BufferedActivity } from '../assessment/activity-buffer.ts';
import type { MonitorPrisma, Tx } from '../database.ts';
import type { AccountStatus, SafetyGrade } from '../model.ts';

export interface KnownUserRecord {
  id: string;
  registeredAt: Date;
  protectedMode: boolean;
  minCounterpartGrade: SafetyGrade | null;
  safetyGrade: SafetyGrade | null;
  accountStatus: AccountStatus;
}

/** Medians need this many listings in a category, or PRICE_TOO_GOOD stays silent. */
export const MEDIAN_MIN_SAMPLES = 5;

export class KnownRepository {
  constructor(private readonly prisma: MonitorPrisma) {}

  async userRegistered(tx: Tx, userId: string, registeredAt: Date): Promise<void> {
    await tx.knownUser.upsert({ where: { id: userId }, create: { id: userId, registeredAt }, update: { registeredAt } });
  }

  /**
   * What the owner answered about a user this copy did not know (copies/user-owner.ts). Never
   * overwrites: when user.registered or user.profile_updated landed in between, they win.
   */
  async userFromOwner(user: { id: string; registeredAt: Date; protectedMode: boolean; minCounterpartGrade: SafetyGrade | null }): Promise<void> {
    await this.prisma.knownUser.upsert({ where: { id: user.id }, create: user, update: {} });
  }

  /** Seen in another event before (or without) user.registered: known to exist, age unknown-ish. */
  async userSeen(tx: Tx, userId: string, at: Date): Promise<void> {
    await tx.knownUser.upsert({ where: { id: userId }, create: { id: userId, registeredAt: at }, update: {} });
  }

  /** userSeen for many at once (a batch of events): one statement, rows in id order (one lock order for everyone). */
  async usersSeen(tx: Tx, seen: ReadonlyArray<{ userId: string; at: Date }>): Promise<void> {
    if (seen.length === 0) return;
    await tx.$executeRaw`
      INSERT INTO known_users (id, registered_at, updated_at)
      SELECT u, min(a), now() FROM unnest(${seen.map((s) => s.userId)}::uuid[], ${seen.map((s) => s.at.toISOString())}::timestamp[]) AS t(u, a)
       GROUP BY u ORDER BY u
      ON CONFLICT (id) DO NOTHING`;
  }

  async profileUpdated(tx: Tx, userId: string, protectedMode: boolean, minCounterpartGrade: SafetyGrade | null, at: Date): Promise<void> {
    await tx.knownUser.upsert({ where: { id: userId }, create: { id: userId, registeredAt: at, protectedMode, minCounterpartGrade, profileAt: at }, update: {} });
    await tx.knownUser.updateMany({
      where: { id: userId, OR: [{ profileAt: null }, { profileAt: { lte: at } }] },
      data: { protectedMode, minCounterpartGrade, profileAt: at },
    });
  }

  /** user.status_changed; a late, older event changes nothing. Returns whether it was applied. */
  async statusChanged(tx: Tx, userId: string, status: AccountStatus, at: Date): Promise<boolean> {
    const applied = await tx.$executeRaw`
      INSERT INTO known_users (id, registered_at, account_status, status_at, updated_at)
      VALUES (${userId}::uuid, ${at.toISOString()}::timestamp, ${status}, ${at.toISOString()}::timestamp, now())
      ON CONFLICT (id) DO UPDATE SET account_status = EXCLUDED.account_status, status_at = EXCLUDED.status_at, updated_at = now()
       WHERE known_users.status_at IS NULL OR known_users.status_at <= EXCLUDED.status_at`;
    return applied > 0;
  }

  /** Both parties dealt with each other at `at` (a trade request, a chat with a counterpart). */
  async contacts(db: Tx | MonitorPrisma, pairs: ReadonlyArray<{ userId: string; counterpartId: string; at: Date }>): Promise<void> {
    const both = pairs.flatMap((p) => [p, { userId: p.counterpartId, counterpartId: p.userId, at: p.at }]);
    if (both.length === 0) return;
    await db.$executeRaw`
      INSERT INTO contacts (user_id, counterpart_id, last_at)
      SELECT u, c, max(a) FROM unnest(${both.map((p) => p.userId)}::uuid[], ${both.map((p) => p.counterpartId)}::uuid[], ${both.map((p) => p.at.toISOString())}::timestamp[]) AS t(u, c, a)
       GROUP BY u, c ORDER BY u, c
      ON CONFLICT (user_id, counterpart_id) DO UPDATE SET last_at = GREATEST(contacts.last_at, EXCLUDED.last_at)`;
  }

  /** People the user dealt with since `since`. */
  async contactsOf(db: Tx | MonitorPrisma, userId: string, since: Date): Promise<string[]> {
    const rows = await db.contact.findMany({ where: { userId, lastAt: { gte: since } }, select: { counterpartId: true }, orderBy: { lastAt: 'desc' }, take: 500 });
    return rows.map((row) => row.counterpartId);
  }

  /** Whether the two ever had a conversation or a trade, in either direction (from events only). */
  async haveDealt(userId: string, counterpartId: string, db: Tx | MonitorPrisma = this.prisma): Promise<boolean> {
    const found = await db.contact.findFirst({
      where: { OR: [{ userId, counterpartId }, { userId: counterpartId, counterpartId: userId }] },
      select: { userId: true },
    });
    return found !== null;
  }

  /** safety.score_changed: the highest version wins (a late recalculation never overwrites a newer one). */
  async gradeChanged(tx: Tx, userId: string, grade: SafetyGrade, version: number, at: Date): Promise<void> {
    await tx.knownUser.upsert({ where: { id: userId }, create: { id: userId, registeredAt: at, safetyGrade: grade, safetyGradeVersion: version }, update: {} });
    await tx.knownUser.updateMany({
      where: { id: userId, OR: [{ safetyGradeVersion: null }, { safetyGradeVersion: { lte: version } }] },
      data: { safetyGrade: grade, safetyGradeVersion: version },
    });
  }

  /** product.created and product.price_changed: the price set last (by the event's time) wins. */
  async productSeen(tx: Tx, product: { id: string; sellerId: string; category: string; price: number; at: Date }): Promise<void> {
    const { id, sellerId, category, price, at } = product;
    await tx.knownProduct.upsert({ where: { id }, create: { id, sellerId, category, price, priceAt: at }, update: {} });
    await tx.knownProduct.updateMany({ where: { id, OR: [{ priceAt: null }, { priceAt: { lte: at } }] }, data: { sellerId, category, price, priceAt: at } });
  }

  /** report.identifiers_confirmed: one row per lookup hash, counting the accepted reports naming it. */
  async fraudIdentifiersConfirmed(tx: Tx, identifiers: ReadonlyArray<{ type: string; lookupHash: string }>, at: Date): Promise<void> {
    for (const { type, lookupHash } of identifiers) {
      await tx.knownFraudIdentifier.upsert({
        where: { lookupHash },
        create: { lookupHash, type, reports: 1, firstConfirmedAt: at, lastConfirmedAt: at },
        update: { reports: { increment: 1 }, lastConfirmedAt: at },
      });
    }
  }

  /** How many of these lookup hashes belong to confirmed fraud accounts: one indexed query. */
  async countKnownFraudIdentifiers(lookupHashes: readonly string[]): Promise<number> {
    if (lookupHashes.length === 0) return 0;
    return this.prisma.knownFraudIdentifier.count({ where: { lookupHash: { in: [...lookupHashes] } } });
  }

  /** `db`: the event's transaction when assessing from an event, so the copy it just wrote counts. */
  async users(ids: readonly string[], db: Tx | MonitorPrisma = this.prisma): Promise<KnownUserRecord[]> {
    const rows = await db.knownUser.findMany({
      where: { id: { in: [...ids] } },
      select: { id: true, registeredAt: true, protectedMode: true, minCounterpartGrade: true, safetyGrade: true, accountStatus: true },
    });
    return rows.map((row) => ({
      ...row,
      minCounterpartGrade: row.minCounterpartGrade as SafetyGrade | null,
      safetyGrade: row.safetyGrade as SafetyGrade | null,
      accountStatus: row.accountStatus as AccountStatus,
    }));
  }

  async product(id: string, db: Tx | MonitorPrisma = this.prisma): Promise<{ category: string } | null> {
    return db.knownProduct.findUnique({ where: { id }, select: { category: true } });
  }

  /** The median listing price of a category, or null below MEDIAN_MIN_SAMPLES listings. */
  async categoryMedian(category: string, excludeProductId?: string | null, db: Tx | MonitorPrisma = this.prisma): Promise<number | null> {
    const rows = await db.$queryRaw<Array<{ median: number | null; n: bigint }>>`
      SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY price) AS median, count(*) AS n
      FROM known_products WHERE category = ${category} AND id::text <> ${excludeProductId ?? ''}`;
    const row = rows[0];
    return row && Number(row.n) >= MEDIAN_MIN_SAMPLES && row.median != null ? Number(row.median) : null;
  }

  async insertActivities(rows: BufferedActivity[]): Promise<number> {
    if (rows.length === 0) return 0;
    const { count } = await this.prisma.activity.createMany({
      data: rows.map((row) => ({ ...row, occurredAt: new Date(row.occurredAt) })),
      skipDuplicates: true,
    });
    // No contacts from here: recorded activity names whom it likes; contacts come only from the
    // services that saw the conversation or trade (chat.contact_observed, transaction.requested).
    return count;
  }
}
