// The facts chat copies from other services' events: each listing's seller and status, each
// member's account status and restriction (read through member-copy-repository.ts with the rest of
// the member's copy). Written only by the consumer. A late, older event never overwrites a newer one.
import type { ChatPrisma, Tx } from '../database.ts';
import type { AccountStatus, ProductStatus } from '../model.ts';
import { boolValue, textValue, timeValue, writeUserCopy } from './user-copy-write.ts';

export interface ProductCopyRecord {
  productId: string;
  sellerId: string;
  status: ProductStatus;
}

export class CopyRepository {
  constructor(private readonly prisma: ChatPrisma) {}

  async product(productId: string): Promise<ProductCopyRecord | null> {
    const row = await this.prisma.productCopy.findUnique({ where: { productId } });
    return row ? { productId: row.productId, sellerId: row.sellerId, status: row.status as ProductStatus } : null;
  }

  async productCreated(tx: Tx, product: { productId: string; sellerId: string; at: Date }): Promise<void> {
    await tx.productCopy.upsert({
      where: { productId: product.productId },
      create: { productId: product.productId, sellerId: product.sellerId, status: 'ON_SALE', statusAt: product.at },
      update: { sellerId: product.sellerId },
    });
  }

  async productStatusChanged(tx: Tx, product: { productId: string; sellerId: string; status: ProductStatus; at: Date }): Promise<void> {
    const { productId, sellerId, status, at } = product;
    await tx.productCopy.upsert({ where: { productId }, create: { productId, sellerId, status, statusAt: at }, update: {} });
    await tx.productCopy.updateMany({ where: { productId, statusAt: { lte: at } }, data: { status, statusAt: at, sellerId } });
  }

  async statusChanged(tx: Tx, change: { userId: string; status: AccountStatus; until: Date | null; at: Date }): Promise<void> {
    const { userId, status, until, at } = change;
    await writeUserCopy(tx, userId, 'status_at', [
      ['status', textValue(status)],
      ['status_until', timeValue(until)],
      ['status_at', timeValue(at)],
    ]);
  }

  /** monitor.action_taken RESTRICT_ACCOUNT (restricted) or CLEAR (lifted). */
  async restrictionChanged(tx: Tx, change: { userId: string; restricted: boolean; at: Date }): Promise<void> {
    const { userId, restricted, at } = change;
    await writeUserCopy(tx, userId, 'restricted_at', [
      ['restricted', boolValue(restricted)],
      ['restricted_at', timeValue(at)],
    ]);
  }
}
