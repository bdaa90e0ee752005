// Events delayed for hours (a consumer waiting an outage out) arrive after newer ones: the monitor's
// copies keep the newer state. Delivered newest first through the real bus into the real service.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MonitorHarness } from './support/harness.ts';

let h: MonitorHarness;
beforeAll(async () => {
  h = await new MonitorHarness().start();
}, 60_000);
afterAll(() => h?.stop());

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);

describe('late, older events', () => {
  it('leave the safety grade of a higher version in place', async () => {
    const userId = randomUUID();
    const scored = (version: number, grade: 'SAFE' | 'DANGER', at: Date) => ({
      type: 'safety.score_changed' as const, producer: 'safety' as const, subjectUserId: userId, occurredAt: at,
      data: { userId, score: grade === 'SAFE' ? 80 : 10, grade, previousScore: null, previousGrade: null, version, cause: 'report.processed', changedAt: at.toISOString() },
    });
    await h.deliver(scored(3, 'DANGER', hoursAgo(1)));
    await h.deliver(scored(2, 'SAFE', hoursAgo(5))); // the late one
    expect(await h.prisma.knownUser.findUnique({ where: { id: userId }, select: { safetyGrade: true, safetyGradeVersion: true } })).toEqual({ safetyGrade: 'DANGER', safetyGradeVersion: 3 });
    await h.deliver(scored(4, 'SAFE', new Date()));
    expect(await h.prisma.knownUser.findUnique({ where: { id: userId }, select: { safetyGrade: true } })).toEqual({ safetyGrade: 'SAFE' });
  });

  it('leave a newer protected-mode setting in place', async () => {
    const userId = randomUUID();
    const profile = (protectedMode: boolean, at: Date) => ({
      type: 'user.profile_updated' as const, producer: 'user' as const, subjectUserId: userId, occurredAt: at,
      data: { userId, fields: ['protectedMode'], profileCompleteness: 60, protectedMode, minCounterpartGrade: protectedMode ? ('SAFE' as const) : null },
    });
    await h.deliver(profile(false, hoursAgo(1)));
    await h.deliver(profile(true, hoursAgo(3))); // the late one
    expect(await h.prisma.knownUser.findUnique({ where: { id: userId }, select: { protectedMode: true, minCounterpartGrade: true } })).toEqual({ protectedMode: false, minCounterpartGrade: null });
  });

  it('leave a newer listing price in place (PRICE_TOO_GOOD medians read it)', async () => {
    const productId = randomUUID();
    const sellerId = randomUUID();
    await h.deliver({ type: 'product.price_changed', producer: 'transaction', subjectUserId: sellerId, data: { productId, sellerId, category: 'phones', oldPrice: 900_000, newPrice: 500_000, at: hoursAgo(1).toISOString() } });
    await h.deliver({ type: 'product.created', producer: 'transaction', subjectUserId: sellerId, occurredAt: hoursAgo(4), data: { productId, sellerId, title: '아이폰', price: 900_000, category: 'phones', region: null, createdAt: hoursAgo(4).toISOString() } });
    expect(await h.prisma.knownProduct.findUnique({ where: { id: productId }, select: { price: true } })).toEqual({ price: 500_000 });
  });
});
