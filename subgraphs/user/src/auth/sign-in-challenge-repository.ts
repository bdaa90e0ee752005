// Sign-ins waiting for their second factor (sign_in_challenges). The SMS code is stored only as
// a keyed hash; a challenge closes when used, after 5 wrong codes, or when it expires.
import type { Tx } from '../database.ts';
import { CodeRows, type CodeTable } from '../verification/code-rows.ts';

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

export class SignInChallengeRepository extends CodeRows {
  protected override table(db: Tx): CodeTable {
    return db.signInChallenge;
  }

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
}
