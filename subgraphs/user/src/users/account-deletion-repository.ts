// What deleteAccount reads and writes across the account's own tables in one transaction: the
// anonymised account row, the personal rows that go with it, and `retired_phones` (the only code
// that touches that table). The audit log, sanctions history and processed events stay.
import type { Tx, UserPrisma } from '../database.ts';

export interface DeletionFacts {
  passwordHash: string;
  hasPassword: boolean;
  phoneHash: string | null;
  photoKey: string | null;
  deletedAt: Date | null;
}

export class AccountDeletionRepository {
  constructor(private readonly prisma: UserPrisma) {}

  async facts(userId: string, db: Tx = this.prisma): Promise<DeletionFacts | null> {
    return db.user.findUnique({ where: { id: userId }, select: { passwordHash: true, hasPassword: true, phoneHash: true, photoKey: true, deletedAt: true } });
  }

  async hasPassword(userId: string, db: Tx = this.prisma): Promise<boolean> {
    return (await db.user.findUnique({ where: { id: userId }, select: { hasPassword: true } }))?.hasPassword ?? false;
  }

  /** Serialises changes to how an account signs in (two unlinks at once, an unlink during deletion). */
  async lock(tx: Tx, userId: string): Promise<void> {
    await tx.$queryRaw`SELECT id FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
  }

  async markPasswordless(tx: Tx, userId: string): Promise<void> {
    await tx.user.update({ where: { id: userId }, data: { hasPassword: false }, select: { id: true } });
  }

  /** Whether the account was ever suspended or banned (the audit log of status changes keeps every one). */
  async wasSanctioned(tx: Tx, userId: string): Promise<boolean> {
    const rows = await tx.auditLog.findMany({ where: { subjectId: userId, action: 'user.status_changed' }, select: { after: true } });
    return rows.some((row) => {
      const status = (row.after as { status?: string } | null)?.status;
      return status === 'SUSPENDED' || status === 'BANNED';
    });
  }

  /**
   * The account row keeps its id (other services' records point at it) and loses everything
   * personal; the rows that only describe the person go. Returns the ID card photo keys to delete.
   */
  async anonymise(tx: Tx, userId: string, replacement: { email: string; nickname: string; passwordHash: string; at: Date }): Promise<string[]> {
    await tx.user.update({
      where: { id: userId },
      data: {
        email: replacement.email,
        nickname: replacement.nickname,
        passwordHash: replacement.passwordHash,
        hasPassword: false,
        phoneEncrypted: null,
        phoneHash: null,
        pendingPhoneEncrypted: null,
        bio: null,
        region: null,
        photoKey: null,
        protectedMode: false,
        minCounterpartGrade: null,
        protectChats: false,
        deletedAt: replacement.at,
      },
      select: { id: true },
    });
    await tx.guardian.deleteMany({ where: { userId } });
    await tx.guardianInvitation.deleteMany({ where: { userId } });
    await tx.oidcIdentity.deleteMany({ where: { userId } });
    await tx.knownDevice.deleteMany({ where: { userId } });
    await tx.verificationChallenge.deleteMany({ where: { userId } });
    await tx.verification.deleteMany({ where: { userId } });
    await tx.verificationRequirement.deleteMany({ where: { userId } });
    await tx.refreshToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: replacement.at } });
    const photos = await tx.idCardCheck.findMany({ where: { userId, photoKey: { not: null }, photoDeletedAt: null }, select: { photoKey: true } });
    await tx.idCardCheck.updateMany({ where: { userId, photoDeletedAt: null, photoKey: { not: null } }, data: { photoDeletedAt: replacement.at } });
    return photos.flatMap((p) => (p.photoKey ? [p.photoKey] : []));
  }

  async retirePhone(tx: Tx, row: { phoneHash: string; deletedUserId: string; reason: string; retainUntil: Date }): Promise<void> {
    await tx.retiredPhone.upsert({ where: { phoneHash: row.phoneHash }, create: row, update: row, select: { phoneHash: true } });
  }

  /** Retired phones past their retention are forgotten (run with each deletion and each check). */
  async forgetExpiredPhones(now: Date, db: Tx = this.prisma): Promise<void> {
    await db.retiredPhone.deleteMany({ where: { retainUntil: { lte: now } } });
  }
}

/** PhoneBinder's question: may no account bind this number (a deleted sanctioned account's)? */
export async function phoneRetired(tx: Tx, phoneHash: string, now: Date): Promise<boolean> {
  return (await tx.retiredPhone.count({ where: { phoneHash, retainUntil: { gt: now } } })) > 0;
}
