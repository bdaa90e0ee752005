// Pending verification codes. The code itself is never stored, only a keyed hash of it; the
// address it went to is stored encrypted, to detect a contact change while the code is pending.
import { translatePrismaError } from '@anshim/platform';
import type { Tx, UserPrisma } from '../database.ts';
import type { VerificationMethod } from '../model.ts';

export interface ChallengeRecord {
  id: string;
  userId: string;
  method: VerificationMethod;
  targetEncrypted: string;
  codeHash: string;
  attempts: number;
  expiresAt: Date;
  consumedAt: Date | null;
  createdAt: Date;
}

const challengeSelect = {
  id: true,
  userId: true,
  method: true,
  targetEncrypted: true,
  codeHash: true,
  attempts: true,
  expiresAt: true,
  consumedAt: true,
  createdAt: true,
} as const;

export class ChallengeRepository {
  constructor(private readonly prisma: UserPrisma) {}

  /** Creation times of the user's requests for one method since `since`, oldest first (rate limit). */
  async requestTimesSince(userId: string, method: VerificationMethod, since: Date): Promise<Date[]> {
    const rows = await this.prisma.verificationChallenge.findMany({
      where: { userId, method, createdAt: { gte: since } },
      select: { createdAt: true },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map((r) => r.createdAt);
  }

  async create(tx: Tx, data: Omit<ChallengeRecord, 'attempts' | 'consumedAt'>): Promise<void> {
    await tx.verificationChallenge.create({ data, select: { id: true } });
  }

  /** Closes every still-open challenge of the user for a method: only the newest code works. */
  async closeOpen(tx: Tx, userId: string, method: VerificationMethod, at: Date): Promise<void> {
    await tx.verificationChallenge.updateMany({ where: { userId, method, consumedAt: null }, data: { consumedAt: at } });
  }

  async findById(id: string): Promise<ChallengeRecord | null> {
    return this.prisma.verificationChallenge.findUnique({ where: { id }, select: challengeSelect });
  }

  /**
   * Counts a wrong code atomically and closes the challenge at `maxAttempts`. Returns the new
   * attempt count, or null when the challenge was closed meanwhile.
   */
  async recordWrongAttempt(id: string, maxAttempts: number, at: Date): Promise<number | null> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.verificationChallenge.updateMany({ where: { id, consumedAt: null }, data: { attempts: { increment: 1 } } });
      if (count === 0) return null;
      const row = await tx.verificationChallenge.findUniqueOrThrow({ where: { id }, select: { attempts: true } });
      if (row.attempts >= maxAttempts) await tx.verificationChallenge.update({ where: { id }, data: { consumedAt: at }, select: { id: true } });
      return row.attempts;
    }).catch(translatePrismaError);
  }

  /** Marks the challenge used; false when a concurrent confirmation got there first. */
  async consume(tx: Tx, id: string, at: Date): Promise<boolean> {
    const { count } = await tx.verificationChallenge.updateMany({ where: { id, consumedAt: null }, data: { consumedAt: at } });
    return count === 1;
  }

  /** A code that could not be delivered should not count against the sender's hourly limit. */
  async delete(id: string): Promise<void> {
    await this.prisma.verificationChallenge.deleteMany({ where: { id } });
  }
}
