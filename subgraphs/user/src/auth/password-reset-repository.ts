// Password reset codes (password_resets): keyed by the email's lookup hash, so a request for an
// email without an account writes the same row as one with (userId null). Only a keyed hash of
// each code is stored; the newest row of an email is the only one that works.
import type { Tx } from '../database.ts';
import { CodeRows, type CodeTable } from '../verification/code-rows.ts';

export interface PasswordResetRecord {
  id: string;
  userId: string | null;
  codeHash: string;
  attempts: number;
  expiresAt: Date;
  consumedAt: Date | null;
}

const resetSelect = { id: true, userId: true, codeHash: true, attempts: true, expiresAt: true, consumedAt: true } as const;

export class PasswordResetRepository extends CodeRows {
  protected override table(db: Tx): CodeTable {
    return db.passwordReset;
  }

  /** Closes the email's open codes and stores the new one: only the newest code works. */
  async replace(tx: Tx, row: { id: string; emailHash: string; userId: string | null; codeHash: string; expiresAt: Date; createdAt: Date }): Promise<void> {
    await tx.passwordReset.updateMany({ where: { emailHash: row.emailHash, consumedAt: null }, data: { consumedAt: row.createdAt } });
    await tx.passwordReset.create({ data: row, select: { id: true } });
  }

  async latest(emailHash: string): Promise<PasswordResetRecord | null> {
    return this.prisma.passwordReset.findFirst({ where: { emailHash }, orderBy: { createdAt: 'desc' }, select: resetSelect });
  }
}
