// The product → seller copy (fed by product.* events, completed by the rebuild) and the price
// statistics listing hints use: the only code that touches product_copies.
import { readByUuids, type SqlExecutor } from '@anshim/platform';
import type { TradeInputsAnswer } from '@anshim/contracts';
import { ts } from './copy-sql.ts';

export interface ProductCopyRecord {
  productId: string;
  sellerId: string;
  category: string;
  price: number;
  firstPrice: number;
  createdAt: Date;
}

export interface CategoryPrice {
  category: string;
  median: number;
  listings: number;
}

/** A page's product copies by id: the `_entities` batch behind Product.sellerSafety. */
const COPIES_BY_IDS = `
SELECT product_id::text AS "productId", seller_id::text AS "sellerId", category, price,
       first_price AS "firstPrice", created_at AS "createdAt"
  FROM product_copies WHERE product_id = ANY($1::uuid[])`;

export class ProductRepository {
  /** `reads`: plain pg (sql-client.ts), for the reads every products page makes without Prisma's per-call cost. */
  constructor(private readonly reads: SqlExecutor) {}

  async productCreated(tx: SqlExecutor, product: { productId: string; sellerId: string; category: string; price: number; createdAt: Date }): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO product_copies (product_id, seller_id, category, price, first_price, price_at, created_at)
       VALUES ($1::uuid, $2::uuid, $3, $4, $4, $5::timestamp, $5::timestamp)
       ON CONFLICT (product_id) DO UPDATE SET seller_id = EXCLUDED.seller_id, category = EXCLUDED.category,
         first_price = EXCLUDED.first_price, created_at = EXCLUDED.created_at,
         price = CASE WHEN product_copies.price_at <= EXCLUDED.price_at THEN EXCLUDED.price ELSE product_copies.price END,
         price_at = GREATEST(product_copies.price_at, EXCLUDED.price_at)`,
      product.productId,
      product.sellerId,
      product.category,
      product.price,
      ts(product.createdAt),
    );
  }

  /** A price change seen before its product.created keeps the old price as the first one. */
  async priceChanged(tx: SqlExecutor, change: { productId: string; sellerId: string; category: string; oldPrice: number; newPrice: number; at: Date }): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO product_copies (product_id, seller_id, category, price, first_price, price_at, created_at)
       VALUES ($1::uuid, $2::uuid, $3, $5, $4, $6::timestamp, $6::timestamp)
       ON CONFLICT (product_id) DO UPDATE SET price = EXCLUDED.price, price_at = EXCLUDED.price_at
       WHERE product_copies.price_at <= EXCLUDED.price_at`,
      change.productId,
      change.sellerId,
      change.category,
      change.oldPrice,
      change.newPrice,
      ts(change.at),
    );
  }

  /**
   * The rebuild: listings of the users' that the copy lacks, from transaction's answer; a known one
   * keeps its first price (transaction keeps only the current one).
   */
  async addMissing(tx: SqlExecutor, userIds: readonly string[], products: TradeInputsAnswer['products']): Promise<void> {
    const mine = new Set(userIds);
    for (const p of products) {
      if (!mine.has(p.sellerId)) continue;
      await tx.$executeRawUnsafe(
        `INSERT INTO product_copies (product_id, seller_id, category, price, first_price, price_at, created_at)
         VALUES ($1::uuid, $2::uuid, $3, $4, $4, $5::timestamp, $5::timestamp) ON CONFLICT (product_id) DO NOTHING`,
        p.productId, p.sellerId, p.category, p.price, p.createdAt,
      );
    }
  }

  async findByIds(ids: readonly string[]): Promise<ProductCopyRecord[]> {
    return readByUuids(ids, async (valid) => this.reads.$queryRawUnsafe<ProductCopyRecord[]>(COPIES_BY_IDS, valid));
  }

  /** Median price and listing count per category, in one query. */
  async categoryPrices(categories: readonly string[]): Promise<CategoryPrice[]> {
    if (categories.length === 0) return [];
    const rows = await this.reads.$queryRawUnsafe<Array<{ category: string; median: number; listings: number }>>(
      `SELECT category, percentile_cont(0.5) WITHIN GROUP (ORDER BY price)::float8 AS median, count(*)::int AS listings
         FROM product_copies WHERE category = ANY($1::text[]) GROUP BY category`,
      [...new Set(categories)],
    );
    return rows.map((r) => ({ category: r.category, median: Number(r.median), listings: Number(r.listings) }));
  }
}
