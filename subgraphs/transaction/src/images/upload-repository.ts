// Upload tickets handed out for product images: the only code that touches `image_uploads`.
import type { TransactionPrisma, Tx } from '../database.ts';

export interface UploadRecord {
  key: string;
  ownerId: string;
  contentType: string;
  /** When the ticket closed: attaching later is refused and the sweep deletes the file. */
  expiresAt: Date;
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
      select: { key: true, ownerId: true, contentType: true, expiresAt: true, attachedTo: true },
    });
  }

  /** The upload sweep's question: which of these keys are attached to a product. */
  async attachedAmong(keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await this.prisma.imageUpload.findMany({ where: { key: { in: [...keys] }, attachedTo: { not: null } }, select: { key: true } });
    return new Set(rows.map((r) => r.key));
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
