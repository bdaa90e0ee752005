// Products: the only code that reads or writes `products`. Every statement names its columns.
import { distinctUuids, isUuid, readByUuids, translatePrismaError, type SqlExecutor } from '@anshim/platform';
import { Prisma, type TransactionPrisma, type Tx } from '../database.ts';
import type { ProductStatus } from '../model.ts';
import type { CursorPosition, ProductSort } from './cursor.ts';
import { countSql, listingSql, popularSql, PRODUCT_COLUMNS, type ListingFilter } from './product-listing-query.ts';

/** A product as the rest of the service sees it (no search text or counters). */
export interface ProductRecord {
  id: string;
  sellerId: string;
  title: string;
  description: string;
  price: number;
  category: string;
  region: string | null;
  status: ProductStatus;
  imageKeys: string[];
  /** The seller's grade (0 = VERY_SAFE … 4 = DANGER) and score as last copied from safety. */
  sellerGradeRank: number;
  sellerScore: number;
  createdAt: Date;
  updatedAt: Date;
}

export const productSelect = {
  id: true,
  sellerId: true,
  title: true,
  description: true,
  price: true,
  category: true,
  region: true,
  status: true,
  imageKeys: true,
  sellerGradeRank: true,
  sellerScore: true,
  createdAt: true,
  updatedAt: true,
} as const satisfies Prisma.ProductSelect;

/** What createProduct stores: the product as read back, less what the database sets, plus its search text. */
export type NewProduct = Omit<ProductRecord, 'status' | 'createdAt' | 'updatedAt'> & { searchText: string };

/** productSelect's columns by id, the `_entities` batch (PRODUCT_COLUMNS aliases them). */
const PRODUCTS_BY_IDS = `SELECT ${PRODUCT_COLUMNS.text} FROM products WHERE id = ANY($1::uuid[])`;

/**
 * A listing page and every `_entities` batch read through `reads`, plain pg (platform PlainSql),
 * not Prisma, whose per-call work was about 15% of the user and safety subgraphs' busy CPU on the
 * products page (bench/RESULTS.md, "Subgraph CPU per page"). Writes and rarer reads stay on Prisma.
 */
export class ProductRepository {
  constructor(
    private readonly prisma: TransactionPrisma,
    private readonly reads: SqlExecutor,
  ) {}

  async findById(id: string, db: Tx = this.prisma): Promise<ProductRecord | null> {
    if (!isUuid(id)) return null;
    return db.product.findUnique({ where: { id }, select: productSelect });
  }

  /** One query for many ids (DataLoader batches `_entities` and nested products through this). */
  async findManyByIds(ids: readonly string[]): Promise<ProductRecord[]> {
    return readByUuids(ids, async (valid) => this.reads.$queryRawUnsafe<ProductRecord[]>(PRODUCTS_BY_IDS, valid));
  }

  async create(tx: Tx, data: NewProduct): Promise<ProductRecord> {
    try {
      return await tx.product.create({ data, select: productSelect });
    } catch (error) {
      return translatePrismaError(error);
    }
  }

  async updatePrice(tx: Tx, id: string, price: number): Promise<ProductRecord> {
    return tx.product.update({ where: { id }, data: { price }, select: productSelect });
  }

  /**
   * Moves the product to `to` only if its status is one of `from`; returns whether it did. The
   * condition is evaluated under the row lock, so of two racing callers exactly one wins.
   */
  async setStatusIf(tx: Tx, id: string, from: readonly ProductStatus[], to: ProductStatus): Promise<boolean> {
    const { count } = await tx.product.updateMany({ where: { id, status: { in: [...from] } }, data: { status: to } });
    return count === 1;
  }

  /** A new trade request on an ON_SALE product counts towards popularity; false if it is no longer ON_SALE. */
  async countRequestIfOnSale(tx: Tx, id: string): Promise<boolean> {
    const { count } = await tx.product.updateMany({ where: { id, status: 'ON_SALE' }, data: { requestCount: { increment: 1 } } });
    return count === 1;
  }

  async page(filter: ListingFilter, sort: ProductSort, position: CursorPosition | null, limit: number): Promise<ProductRecord[]> {
    const sql = listingSql(filter, sort, position, limit);
    return this.reads.$queryRawUnsafe<ProductRecord[]>(sql.text, ...sql.values);
  }

  async count(filter: ListingFilter): Promise<number> {
    const sql = countSql(filter);
    const [row] = await this.reads.$queryRawUnsafe<Array<{ count: number }>>(sql.text, ...sql.values);
    return row?.count ?? 0;
  }

  async popular(limit: number): Promise<ProductRecord[]> {
    return this.prisma.$queryRaw<ProductRecord[]>(popularSql(limit));
  }

  /**
   * The newest `first` products of each seller in one statement (User.products for a page of
   * users). `withHidden` lists the sellers whose HIDDEN products the caller may see.
   */
  async ofSellers(sellerIds: readonly string[], first: number, withHidden: readonly string[]): Promise<ProductRecord[]> {
    const ids = distinctUuids(sellerIds);
    if (ids.length === 0) return [];
    const hidden = withHidden.filter(isUuid);
    return this.prisma.$queryRaw<ProductRecord[]>(Prisma.sql`
      SELECT p.* FROM unnest(${ids}::uuid[]) AS s(id)
      CROSS JOIN LATERAL (
        SELECT ${PRODUCT_COLUMNS} FROM products
         WHERE seller_id = s.id AND (status <> 'HIDDEN' OR s.id = ANY(${hidden}::uuid[]))
         ORDER BY products.created_at DESC, products.id DESC LIMIT ${first}
      ) AS p`);
  }

  /** Copies a seller's new grade onto their products, so listings filter and sort without a join. */
  async applySellerSafety(tx: Tx, sellerId: string, rank: number, score: number): Promise<number> {
    const { count } = await tx.product.updateMany({ where: { sellerId }, data: { sellerGradeRank: rank, sellerScore: score } });
    return count;
  }

  /** Adds buffered view counts in one statement. */
  async addViews(views: ReadonlyMap<string, number>): Promise<void> {
    const ids = [...views.keys()].filter(isUuid);
    if (ids.length === 0) return;
    const counts = ids.map((id) => views.get(id)!);
    await this.prisma.$executeRaw(Prisma.sql`
      UPDATE products p SET view_count = p.view_count + v.n
        FROM unnest(${ids}::uuid[], ${counts}::int[]) AS v(id, n)
       WHERE p.id = v.id`);
  }
}

/** Cached rows come back from JSON: turn the dates back into Dates. */
export function reviveProduct(raw: ProductRecord): ProductRecord {
  return { ...raw, createdAt: new Date(raw.createdAt), updatedAt: new Date(raw.updatedAt) };
}
