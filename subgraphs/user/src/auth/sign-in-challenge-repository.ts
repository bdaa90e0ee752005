// Sign-ins waiting for their second factor (sign_in_challenges). The SMS code is stored only as
// a keyed hash; a challenge closes when used, after 5 wrong codes, or when it expires.
import { translatePrismaError } from '@anshim/platform';
import type { Tx, UserPrisma } from '../database.ts';

export interface SignInChallengeRecord {
  id: string;
  userId: string;
  codeHash: string;
  attempts: number;
  reason: string;
  expiresAt: Date;
  consumedAt: Date | null;
}

const challengeSelect = { id: true, userId: true, codeHash: true, attempts: true, reason: true, expiresAt: true, consumedAt: true } as const;

export class SignInChallengeRepository {
  constructor(private readonly prisma: UserPrisma) {}

  async countSince(userId: string, since: Date): Promise<number> {
    return this.prisma.signInChallenge.count({ where: { userId, createdAt: { gte: since } } });
  }

  async create(row: Omit<SignInChallengeRecord, 'attempts' | 'consumedAt'> & { createdAt: Date }): Promise<void> {
    await this.prisma.signInChallenge.create({ data: row, select: { id: true } });
  }

  async delete(id: string): Promise<void> {
    await this.prisma.signInChallenge.deleteMany({ where: { id } });
  }

  async findById(id: string): Promise<SignInChallengeRecord | null> {
    return this.prisma.signInChallenge.findUnique({ where: { id }, select: challengeSelect });
  }

  /** Counts a wrong code atomically, closing the challenge at `max`; the new count, or null when it was closed meanwhile. */
  async recordWrongAttempt(id: string, max: number, at: Date): Promise<number | null> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.signInChallenge.updateMany({ where: { id, consumedAt: null }, data: { attempts: { increment: 1 } } });
      if (count === 0) return null;
      const row = await tx.signInChallenge.findUniqueOrThrow({ where: { id }, select: { attempts: true } });
      if (row.attempts >= max) await tx.signInChallenge.update({ where: { id }, data: { consumedAt: at }, select: { id: true } });
      return row.attempts;
    }).catch(translatePrismaError);
  }

  /** False when a concurrent completeSignIn used it first. */
  async consume(tx: Tx, id: string, at: Date): Promise<boolean> {
    const { count } = await tx.signInChallenge.updateMany({ where: { id, consumedAt: null }, data: { consumedAt: at } });
    return count === 1;
  }
}
