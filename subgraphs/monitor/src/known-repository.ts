// Copies fed by other services' events (never their tables): when each user registered, their
// protected mode and minimum counterpart grade, their latest safety grade, and listing prices per
// category for PRICE_TOO_GOOD. Plus the raw activity table the write-behind buffer flushes into.
import type { MonitorPrisma, Tx } from './database.ts';
import type { SafetyGrade } from './rules/index.ts';
import type { BufferedActivity } from './activity-buffer.ts';

export interface KnownUserRecord {
  id: string;
  registeredAt: Date;
  protectedMode: boolean;
  minCounterpartGrade: SafetyGrade | null;
  safetyGrade: SafetyGrade | null;
}

/** Medians need this many listings in a category, or PRICE_TOO_GOOD stays silent. */
export const MEDIAN_MIN_SAMPLES = 5;

export class KnownRepository {
  constructor(private readonly prisma: MonitorPrisma) {}

  async userRegistered(tx: Tx, userId: string, registeredAt: Date): Promise<void> {
    await tx.knownUser.upsert({ where: { id: userId }, create: { id: userId, registeredAt }, update: { registeredAt } });
  }

  /** Seen in another event before (or without) user.registered: known to exist, age unknown-ish. */
  async userSeen(tx: Tx, userId: string, at: Date): Promise<void> {
    await tx.knownUser.upsert({ where: { id: userId }, create: { id: userId, registeredAt: at }, update: {} });
  }

  async profileUpdated(tx: Tx, userId: string, protectedMode: boolean, minCounterpartGrade: SafetyGrade | null, at: Date): Promise<void> {
    await tx.knownUser.upsert({
      where: { id: userId },
      create: { id: userId, registeredAt: at, protectedMode, minCounterpartGrade },
      update: { protectedMode, minCounterpartGrade },
    });
  }

  async gradeChanged(tx: Tx, userId: string, grade: SafetyGrade, at: Date): Promise<void> {
    await tx.knownUser.upsert({ where: { id: userId }, create: { id: userId, registeredAt: at, safetyGrade: grade }, update: { safetyGrade: grade } });
  }

  async productSeen(tx: Tx, product: { id: string; sellerId: string; category: string; price: number }): Promise<void> {
    const { id, ...rest } = product;
    await tx.knownProduct.upsert({ where: { id }, create: product, update: rest });
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

  async users(ids: readonly string[]): Promise<KnownUserRecord[]> {
    const rows = await this.prisma.knownUser.findMany({
      where: { id: { in: [...ids] } },
      select: { id: true, registeredAt: true, protectedMode: true, minCounterpartGrade: true, safetyGrade: true },
    });
    return rows.map((row) => ({ ...row, minCounterpartGrade: row.minCounterpartGrade as SafetyGrade | null, safetyGrade: row.safetyGrade as SafetyGrade | null }));
  }

  async product(id: string): Promise<{ category: string } | null> {
    return this.prisma.knownProduct.findUnique({ where: { id }, select: { category: true } });
  }

  /** The median listing price of a category, or null below MEDIAN_MIN_SAMPLES listings. */
  async categoryMedian(category: string, excludeProductId?: string | null): Promise<number | null> {
    const rows = await this.prisma.$queryRaw<Array<{ median: number | null; n: bigint }>>`
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
    return count;
  }
}
