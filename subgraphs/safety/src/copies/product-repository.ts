// The product → seller copy (fed by product.* events) and the price statistics listing hints use.
import type { SafetyPrisma } from './database.ts';

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (id: string) => UUID.test(id);

export class ProductRepository {
  constructor(private readonly prisma: SafetyPrisma) {}

  async findByIds(ids: readonly string[]): Promise<ProductCopyRecord[]> {
    const valid = [...new Set(ids.filter(isUuid))];
    if (valid.length === 0) return [];
    return this.prisma.productCopy.findMany({
      where: { productId: { in: valid } },
      select: { productId: true, sellerId: true, category: true, price: true, firstPrice: true, createdAt: true },
    });
  }

  /** Median price and listing count per category, in one query. */
  async categoryPrices(categories: readonly string[]): Promise<CategoryPrice[]> {
    if (categories.length === 0) return [];
    const rows = await this.prisma.$queryRawUnsafe<Array<{ category: string; median: number; listings: number }>>(
      `SELECT category, percentile_cont(0.5) WITHIN GROUP (ORDER BY price)::float8 AS median, count(*)::int AS listings
         FROM product_copies WHERE category = ANY($1::text[]) GROUP BY category`,
      [...new Set(categories)],
    );
    return rows.map((r) => ({ category: r.category, median: Number(r.median), listings: Number(r.listings) }));
  }
}
