// tradesCompletedByDay against real PostgreSQL: trades counted on the Korean day they completed,
// one point per day of the window; ADMIN only; days outside 1–90 refused with BAD_USER_INPUT.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { koreanDay } from '@anshim/platform';
import { admin, onlyError, user } from '../../../test/support/subgraph-harness.ts';
import { TransactionHarness } from './support/harness.ts';

const h = new TransactionHarness();
beforeAll(() => h.start(), 60_000);
afterAll(() => h.stop());

const COMPLETED = `query($days: Int) { tradesCompletedByDay(days: $days) { day count } }`;
const DAY = 86_400_000;

describe('tradesCompletedByDay', () => {
  it('counts completed trades per day of the window, zeros included', async () => {
    const now = Date.now();
    // Days long past, which no other test completes trades on: the difference is exactly ours.
    const days = [33, 33, 34].map((daysAgo) => new Date(now - daysAgo * DAY));
    const read = async () => (await h.ok(COMPLETED, { days: 40 }, { identity: admin() })).tradesCompletedByDay as Array<{ day: string; count: number }>;
    const before = await read();
    expect(before).toHaveLength(40);
    expect(before.at(-1)!.day).toBe(koreanDay(new Date(now)));
    const seller = randomUUID();
    // One listing per trade: a listing is sold once.
    const listing = () => h.prisma.product.create({ data: { sellerId: seller, title: '자전거', description: '거의 새것', price: 100_000, category: 'sports', searchText: '자전거', status: 'SOLD' }, select: { id: true } });
    for (const completedAt of days) {
      await h.prisma.transaction.create({ data: { productId: (await listing()).id, buyerId: randomUUID(), sellerId: seller, status: 'COMPLETED', price: 100_000, completedAt }, select: { id: true } });
    }
    // A trade still open counts nowhere.
    await h.prisma.transaction.create({ data: { productId: (await listing()).id, buyerId: randomUUID(), sellerId: seller, status: 'REQUESTED', price: 100_000 }, select: { id: true } });
    const after = await read();
    const delta = (day: string) => after.find((p) => p.day === day)!.count - before.find((p) => p.day === day)!.count;
    expect(delta(koreanDay(days[0]!))).toBe(2);
    expect(delta(koreanDay(days[2]!))).toBe(1);
    expect(after.reduce((sum, p) => sum + p.count, 0) - before.reduce((sum, p) => sum + p.count, 0)).toBeGreaterThanOrEqual(3);
  });

  it('is for ADMINs only and takes 1–90 days', async () => {
    expect(onlyError(await h.gql(COMPLETED, {}, { identity: user() })).code).toBe('FORBIDDEN');
    for (const days of [0, 91]) expect(onlyError(await h.gql(COMPLETED, { days }, { identity: admin() })).extensions.fields[0]).toMatchObject({ field: 'days', reason: 'outOfRange' });
  });
});
