// The two account columns account security writes (password hash, two-factor flag) and the one
// lookup the password reset needs. Kept apart from users/user-repository.ts so the password hash
// leaves the database only through here and findCredentials.
import type { Tx, UserPrisma } from '../database.ts';
import { userSelect, type UserRecord } from '../model.ts';

export class CredentialRepository {
  constructor(private readonly prisma: UserPrisma) {}

  /** The account with this (normalized) email, or null; run in the reset request's transaction. */
  async idByEmail(tx: Tx, email: string): Promise<string | null> {
    const row = await tx.user.findUnique({ where: { email }, select: { id: true } });
    return row?.id ?? null;
  }

  /** Also marks the account as having a password: one made through a provider gets one by a reset, and may then leave with deleteAccount. */
  async setPasswordHash(tx: Tx, userId: string, passwordHash: string): Promise<void> {
    await tx.user.update({ where: { id: userId }, data: { passwordHash, hasPassword: true }, select: { id: true } });
  }

  async setTwoFactor(userId: string, enabled: boolean): Promise<UserRecord> {
    return this.prisma.user.update({ where: { id: userId }, data: { twoFactorEnabled: enabled }, select: userSelect });
  }
}
