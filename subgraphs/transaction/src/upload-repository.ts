// Upload tickets handed out for product images: the only code that touches `image_uploads`.
import type { TransactionPrisma, Tx } from './database.ts';

export interface UploadRecord {
  key: string;
  ownerId: string;
  contentType: string;
  attachedTo: string | null;
}

export class UploadRepository {
  constructor(private readonly prisma: TransactionPrisma) {}

  async record(data: { key: string; ownerId: string; contentType: string; maxBytes: number; expiresAt: Date }): Promise<void> {
    await this.prisma.imageUpload.create({ data, select: { key: true } });
  }

  async findMany(keys: readonly string[]): Promise<UploadRecord[]> {
    if (keys.length === 0) return [];
    return this.prisma.imageUpload.findMany({
      where: { key: { in: [...keys] } },
      select: { key: true, ownerId: true, contentType: true, attachedTo: true },
    });
  }

  /** Marks the keys as used by `productId`; returns how many were still free (all, or the caller rolls back). */
  async attach(tx: Tx, keys: readonly string[], ownerId: string, productId: string): Promise<number> {
    if (keys.length === 0) return 0;
    const { count } = await tx.imageUpload.updateMany({
      where: { key: { in: [...keys] }, ownerId, attachedTo: null },
      data: { attachedTo: productId },
    });
    return count;
  }
}
