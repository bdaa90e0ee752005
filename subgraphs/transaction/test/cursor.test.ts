import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, type CursorPosition } from '../src/products/cursor.ts';

const id = '2f1c1a0e-3c5e-4b8f-9d7a-0a1b2c3d4e5f';

describe('cursors', () => {
  it.each<CursorPosition>([
    { sort: 'NEWEST', createdAt: new Date('2026-11-23T10:00:00.123Z'), id },
    { sort: 'PRICE_ASC', price: 0, id },
    { sort: 'PRICE_DESC', price: 100_000_000, id },
    { sort: 'SELLER_SAFETY', score: 87.25, createdAt: new Date('2026-01-01T00:00:00Z'), id },
  ])('round-trips $sort', (position) => {
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, position.sort)).toEqual({ ok: true, position });
  });

  it('refuses a cursor of another sort', () => {
    expect(decodeCursor(encodeCursor({ sort: 'PRICE_ASC', price: 5, id }), 'PRICE_DESC')).toEqual({ ok: false, reason: 'otherSort' });
  });

  it.each([
    ['not base64url', 'abc$%^'],
    ['not JSON', Buffer.from('hello').toString('base64url')],
    ['wrong shape', Buffer.from(JSON.stringify({ s: 'NEWEST', k: [1] })).toString('base64url')],
    ['not a uuid', Buffer.from(JSON.stringify({ s: 'NEWEST', k: [1, 'x'] })).toString('base64url')],
    ['a negative price', Buffer.from(JSON.stringify({ s: 'PRICE_ASC', k: [-1, id] })).toString('base64url')],
    ['an unknown sort', Buffer.from(JSON.stringify({ s: 'RANDOM', k: [1, id] })).toString('base64url')],
    ['empty', ''],
    ['too long', 'a'.repeat(401)],
  ])('refuses %s as malformed', (_name, cursor) => {
    expect(decodeCursor(cursor, 'NEWEST')).toEqual({ ok: false, reason: 'malformed' });
  });
});
