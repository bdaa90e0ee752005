// The listing SQL, built by hand so that each filter and sort lands on its partial index (see
// the hand-written part of the init migration): the listed-status predicate is a literal the
// planner can match, and keyset pages compare row values in index order. One statement per
// page, one per total count; seller grades are columns of `products`, so no join is needed.
import { Prisma, sqlTimestamp } from '../database.ts';
import { gradeRank, type SafetyGrade } from '../model.ts';
import type { CursorPosition, ProductSort } from './cursor.ts';
import { escapeLike, searchWords } from './product-input.ts';

export const PRODUCT_COLUMNS = Prisma.raw(`
  id::text AS "id", seller_id::text AS "sellerId", title, description, price, category, region,
  status::text AS "status", image_keys AS "imageKeys", seller_grade_rank::int AS "sellerGradeRank",
  seller_score AS "sellerScore", created_at AS "createdAt", updated_at AS "updatedAt"`);

/** Only these statuses are listed; repeated literally in every partial index. */
const LISTED = Prisma.raw(`status IN ('ON_SALE', 'RESERVED')`);

export interface ListingFilter {
  search?: string | null;
  category?: string | null;
  minPrice?: number | null;
  maxPrice?: number | null;
  minSellerGrade?: SafetyGrade | null;
  sellerId?: string | null;
}

const ts = sqlTimestamp;

function conditions(filter: ListingFilter): Prisma.Sql[] {
  const where: Prisma.Sql[] = [LISTED];
  for (const word of filter.search ? searchWords(filter.search) : []) where.push(Prisma.sql`search_text LIKE ${`%${escapeLike(word)}%`}`);
  if (filter.category) where.push(Prisma.sql`category = ${filter.category}`);
  if (filter.minPrice != null) where.push(Prisma.sql`price >= ${filter.minPrice}`);
  if (filter.maxPrice != null) where.push(Prisma.sql`price <= ${filter.maxPrice}`);
  if (filter.minSellerGrade) where.push(Prisma.sql`seller_grade_rank <= ${gradeRank(filter.minSellerGrade)}`);
  if (filter.sellerId) where.push(Prisma.sql`seller_id = ${filter.sellerId}::uuid`);
  return where;
}

// Qualified on purpose: a bare `id` would mean the `id::text` output column, sort as text and
// no longer follow the index.
const ORDER: Record<ProductSort, Prisma.Sql> = {
  NEWEST: Prisma.raw('p.created_at DESC, p.id DESC'),
  PRICE_ASC: Prisma.raw('p.price ASC, p.id ASC'),
  PRICE_DESC: Prisma.raw('p.price DESC, p.id DESC'),
  SELLER_SAFETY: Prisma.raw('p.seller_score DESC, p.created_at DESC, p.id DESC'),
};

function after(position: CursorPosition): Prisma.Sql {
  switch (position.sort) {
    case 'NEWEST':
      return Prisma.sql`(created_at, id) < (${ts(position.createdAt)}, ${position.id}::uuid)`;
    case 'PRICE_ASC':
      return Prisma.sql`(price, id) > (${position.price}, ${position.id}::uuid)`;
    case 'PRICE_DESC':
      return Prisma.sql`(price, id) < (${position.price}, ${position.id}::uuid)`;
    case 'SELLER_SAFETY':
      return Prisma.sql`(seller_score, created_at, id) < (${position.score}::float8, ${ts(position.createdAt)}, ${position.id}::uuid)`;
  }
}

/** One page: `limit` rows after `position` (fetch first + 1 to learn whether there is more). */
export function listingSql(filter: ListingFilter, sort: ProductSort, position: CursorPosition | null, limit: number): Prisma.Sql {
  const where = conditions(filter);
  if (position) where.push(after(position));
  return Prisma.sql`SELECT ${PRODUCT_COLUMNS} FROM products p WHERE ${Prisma.join(where, ' AND ')} ORDER BY ${ORDER[sort]} LIMIT ${limit}`;
}

export function countSql(filter: ListingFilter): Prisma.Sql {
  return Prisma.sql`SELECT count(*)::int AS "count" FROM products WHERE ${Prisma.join(conditions(filter), ' AND ')}`;
}

/** popularProducts: views plus weighted trade requests (the expression of products_popular_idx). */
export function popularSql(limit: number): Prisma.Sql {
  return Prisma.sql`SELECT ${PRODUCT_COLUMNS} FROM products p WHERE status = 'ON_SALE'
    ORDER BY (p.view_count + 5 * p.request_count) DESC, p.id LIMIT ${limit}`;
}
