// Opaque keyset cursors: base64url JSON of the sort they belong to and the last row's sort
// values. A cursor from another sort, or anything that does not decode, is BAD_USER_INPUT.
import { z } from 'zod';

export const PRODUCT_SORTS = ['NEWEST', 'PRICE_ASC', 'PRICE_DESC', 'SELLER_SAFETY'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

/** The last row's position: [createdAt ms, id] or [price, id] or [score, createdAt ms, id]. */
export type CursorPosition =
  | { sort: 'NEWEST'; createdAt: Date; id: string }
  | { sort: 'PRICE_ASC' | 'PRICE_DESC'; price: number; id: string }
  | { sort: 'SELLER_SAFETY'; score: number; createdAt: Date; id: string };

const id = z.uuid();
const wire = z.discriminatedUnion('s', [
  z.object({ s: z.literal('NEWEST'), k: z.tuple([z.int().nonnegative(), id]) }),
  z.object({ s: z.enum(['PRICE_ASC', 'PRICE_DESC']), k: z.tuple([z.int().min(0), id]) }),
  z.object({ s: z.literal('SELLER_SAFETY'), k: z.tuple([z.number().min(0).max(100), z.int().nonnegative(), id]) }),
]);

export function encodeCursor(position: CursorPosition): string {
  const k =
    position.sort === 'NEWEST' ? [position.createdAt.getTime(), position.id]
    : position.sort === 'SELLER_SAFETY' ? [position.score, position.createdAt.getTime(), position.id]
    : [position.price, position.id];
  return Buffer.from(JSON.stringify({ s: position.sort, k })).toString('base64url');
}

export type CursorDecode = { ok: true; position: CursorPosition } | { ok: false; reason: 'malformed' | 'otherSort' };

export function decodeCursor(cursor: string, sort: ProductSort): CursorDecode {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return { ok: false, reason: 'malformed' };
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const parsed = wire.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  const { s, k } = parsed.data;
  if (s !== sort) return { ok: false, reason: 'otherSort' };
  if (s === 'NEWEST') return { ok: true, position: { sort: s, createdAt: new Date(k[0]), id: k[1] } };
  if (s === 'SELLER_SAFETY') {
    const [score, createdAt, rowId] = k as [number, number, string];
    return { ok: true, position: { sort: s, score, createdAt: new Date(createdAt), id: rowId } };
  }
  return { ok: true, position: { sort: s, price: k[0] as number, id: k[1] as string } };
}
