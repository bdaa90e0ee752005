// Pending verification codes. The code itself is never stored, only a keyed hash of it; the
// address it went to is stored encrypted, to detect a contact change while the code is pending.
import type { Tx } from '../database.ts';
import type { VerificationMethod } from '../model.ts';
import { CodeRows, type CodeTable } from './code-rows.ts';

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

export class ChallengeRepository extends CodeRows {
  protected override table(db: Tx): CodeTable {
    return db.verificationChallenge;
  }

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

  /** A code that could not be delivered should not count against the sender's hourly limit. */
  async delete(id: string): Promise<void> {
    await this.prisma.verificationChallenge.deleteMany({ where: { id } });
  }
}
