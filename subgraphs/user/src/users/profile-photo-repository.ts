// Profile photo upload tickets and the published photo key on the account: the only code that
// touches `profile_photo_uploads` and `users.photo_key`.
import type { Tx, UserPrisma } from '../database.ts';

export interface PhotoUploadRecord {
  key: string;
  ownerId: string;
  contentType: string;
  expiresAt: Date;
  attachedAt: Date | null;
}

export class ProfilePhotoRepository {
  constructor(private readonly prisma: UserPrisma) {}

  async record(data: { key: string; ownerId: string; contentType: string; expiresAt: Date }): Promise<void> {
    await this.prisma.profilePhotoUpload.create({ data, select: { key: true } });
  }

  async find(key: string): Promise<PhotoUploadRecord | null> {
    return this.prisma.profilePhotoUpload.findUnique({ where: { key }, select: { key: true, ownerId: true, contentType: true, expiresAt: true, attachedAt: true } });
  }

  /** Claims the upload for its owner; false when it was attached meanwhile (the caller rolls back). */
  async attach(tx: Tx, key: string, ownerId: string, at: Date): Promise<boolean> {
    const { count } = await tx.profilePhotoUpload.updateMany({ where: { key, ownerId, attachedAt: null }, data: { attachedAt: at } });
    return count === 1;
  }

  /** Sets the account's published photo key and returns the one it replaces. */
  async swapPhotoKey(tx: Tx, userId: string, photoKey: string | null): Promise<string | null> {
    const before = await tx.user.findUnique({ where: { id: userId }, select: { photoKey: true } });
    await tx.user.update({ where: { id: userId }, data: { photoKey }, select: { id: true } });
    return before?.photoKey ?? null;
  }

  /** The upload sweep's question: which of these keys were attached. */
  async attachedAmong(keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await this.prisma.profilePhotoUpload.findMany({ where: { key: { in: [...keys] }, attachedAt: { not: null } }, select: { key: true } });
    return new Set(rows.map((r) => r.key));
  }

  /** Account deletion: the member's open tickets go with the account. */
  async forgetUploadsOf(tx: Tx, ownerId: string): Promise<string[]> {
    const rows = await tx.profilePhotoUpload.findMany({ where: { ownerId, attachedAt: null }, select: { key: true } });
    await tx.profilePhotoUpload.deleteMany({ where: { ownerId } });
    return rows.map((r) => r.key);
  }
}
