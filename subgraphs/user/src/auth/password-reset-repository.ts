// Password reset codes (password_resets): keyed by the email's lookup hash, so a request for an
// email without an account writes the same row as one with (userId null). Only a keyed hash of
// each code is stored; the newest row of an email is the only one that works.
import { translatePrismaError } from '@anshim/platform';
import type { Tx, UserPrisma } from '../database.ts';

export interface PasswordResetRecord {
  id: string;
  userId: string | null;
  codeHash: string;
  attempts: number;
  expiresAt: Date;
  consumedAt: Date | null;
}

const resetSelect = { id: true, userId: true, codeHash: true, attempts: true, expiresAt: true, consumedAt: true } as const;

export class PasswordResetRepository {
  constructor(private readonly prisma: UserPrisma) {}

  /** Closes the email's open codes and stores the new one: only the newest code works. */
  async replace(tx: Tx, row: { id: string; emailHash: string; userId: string | null; codeHash: string; expiresAt: Date; createdAt: Date }): Promise<void> {
    await tx.passwordReset.updateMany({ where: { emailHash: row.emailHash, consumedAt: null }, data: { consumedAt: row.createdAt } });
    await tx.passwordReset.create({ data: row, select: { id: true } });
  }

  async latest(emailHash: string): Promise<PasswordResetRecord | null> {
    return this.prisma.passwordReset.findFirst({ where: { emailHash }, orderBy: { createdAt: 'desc' }, select: resetSelect });
  }

  /** Counts a wrong code atomically, closing the row at `max`; the new count, or null when it was closed meanwhile. */
  async recordWrongAttempt(id: string, max: number, at: Date): Promise<number | null> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.passwordReset.updateMany({ where: { id, consumedAt: null }, data: { attempts: { increment: 1 } } });
      if (count === 0) return null;
      const row = await tx.passwordReset.findUniqueOrThrow({ where: { id }, select: { attempts: true } });
      if (row.attempts >= max) await tx.passwordReset.update({ where: { id }, data: { consumedAt: at }, select: { id: true } });
      return row.attempts;
    }).catch(translatePrismaError);
  }

  /** False when a concurrent reset used the code first. */
  async consume(tx: Tx, id: string, at: Date): Promise<boolean> {
    const { count } = await tx.passwordReset.updateMany({ where: { id, consumedAt: null }, data: { consumedAt: at } });
    return count === 1;
  }
}
