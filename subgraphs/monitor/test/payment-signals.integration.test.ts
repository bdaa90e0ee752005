// payment.* events through the monitor's real consumer (PostgreSQL, Redis, BullMQ): a seller who
// asks the buyer to pay off the app after the buyer started a safe payment raises
// OFF_APP_AFTER_SAFE_PAYMENT for that buyer only, naming the trade and listing; before any payment
// only the existing rule fires; disputes from three buyers and a burst of failed payments raise
// their MEDIUM signals for the admins only.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventData } from '@anshim/contracts';
import { ALERT_FIELDS, admin, MonitorHarness, OFF_APP, PAYMENT, screened, user } from './support/harness.ts';

let h: MonitorHarness;
beforeAll(async () => {
  h = await new MonitorHarness().start();
});
afterAll(async () => {
  await h?.stop();
});

type Member = ReturnType<typeof user>;
type PaymentType = 'payment.started' | 'payment.disputed' | 'payment.failed';

/** transaction.requested for a trade of `productId` between the two; resolves once the monitor handled it. */
async function tradeRequested(buyer: Member, seller: Member, productId: string): Promise<string> {
  const transactionId = randomUUID();
  await h.deliver({
    type: 'transaction.requested',
    producer: 'transaction',
    subjectUserId: buyer.userId,
    data: { transactionId, productId, buyerId: buyer.userId, sellerId: seller.userId, amount: 450_000, by: buyer.userId, at: new Date().toISOString() },
  });
  return transactionId;
}

/** One payment event as the payment service writes it; returns the event id once handled. */
async function payment(type: PaymentType, trade: { transactionId: string; buyer: Member; seller: Member }, more: Partial<EventData<'payment.started'>> = {}): Promise<string> {
  const to = { 'payment.started': 'AWAITING_PAYMENT', 'payment.disputed': 'DISPUTED', 'payment.failed': 'FAILED' } as const;
  const id = await h.publish({
    type,
    producer: 'payment',
    subjectUserId: trade.buyer.userId,
    data: {
      paymentId: randomUUID(),
      transactionId: trade.transactionId,
      buyerId: trade.buyer.userId,
      sellerId: trade.seller.userId,
      amount: 450_000,
      from: null,
      to: to[type],
      actor: type === 'payment.failed' ? 'PROVIDER' : 'BUYER',
      reason: null,
      at: new Date().toISOString(),
      ...more,
    },
  });
  await h.processed(id);
  return id;
}

const alertsAbout = (subjectUserId: string) => h.prisma.riskAlert.findMany({ where: { subjectUserId }, include: { recipients: true }, orderBy: { createdAt: 'asc' } });

describe('a seller asking to pay off the app after a safe payment was started', () => {
  it('raises OFF_APP_AFTER_SAFE_PAYMENT (HIGH) for the buyer only, naming the trade and the listing', async () => {
    const [buyer, seller, bystander] = [user(), user(), user()];
    await h.known(buyer, seller, bystander);
    const productId = randomUUID();
    const transactionId = await tradeRequested(buyer, seller, productId);
    await payment('payment.started', { transactionId, buyer, seller });

    await screened(h, seller, buyer, [PAYMENT], { productId });

    const alerts = await alertsAbout(seller.userId);
    expect(alerts.map((a) => a.rule)).toEqual(['OFF_APP_AFTER_SAFE_PAYMENT']);
    expect(alerts[0]).toMatchObject({ level: 'HIGH', transactionId, productId, recipients: [{ userId: buyer.userId }] });
    const mine = await h.ok(`{ riskAlerts { ${ALERT_FIELDS} } }`, {}, { identity: buyer });
    expect(mine.riskAlerts).toEqual([
      expect.objectContaining({ rule: 'OFF_APP_AFTER_SAFE_PAYMENT', level: 'HIGH', recipients: [{ id: buyer.userId }], transaction: { id: transactionId }, message: expect.stringMatching(/안전결제/) }),
    ]);
    const english = await h.ok(`{ riskAlerts { message } }`, {}, { identity: buyer, lang: 'en' });
    expect(english.riskAlerts[0].message).toMatch(/already started a safe payment/);
    expect((await h.ok(`{ riskAlerts { id } }`, {}, { identity: bystander })).riskAlerts).toEqual([]);
    // One piece of evidence, one HIGH: the superseded generic rule raised nothing beside it.
    const level = await h.ok(`query($r: [_Any!]!) { _entities(representations: $r) { ... on User { riskLevel } } }`, { r: [{ __typename: 'User', id: seller.userId }] }, { identity: admin() });
    expect(level._entities[0].riskLevel).toBe('HIGH');
  });

  it('before any payment only the existing rule fires; after payment.started the next request is the stronger one', async () => {
    const [buyer, seller] = [user(), user()];
    await h.known(buyer, seller);
    const productId = randomUUID();
    const transactionId = await tradeRequested(buyer, seller, productId);

    await screened(h, seller, buyer, [OFF_APP], { productId });
    expect((await alertsAbout(seller.userId)).map((a) => [a.rule, a.level])).toEqual([['OFF_APP_CONTACT', 'MEDIUM']]);

    await payment('payment.started', { transactionId, buyer, seller });
    await screened(h, seller, buyer, [OFF_APP], { productId });
    const alerts = await alertsAbout(seller.userId);
    expect(alerts.map((a) => [a.rule, a.level])).toEqual([['OFF_APP_CONTACT', 'MEDIUM'], ['OFF_APP_AFTER_SAFE_PAYMENT', 'HIGH']]);
    expect(alerts[1]!.recipients.map((r) => r.userId)).toEqual([buyer.userId]);
  });

  it('the buyer asking, another listing of the same seller, or the same seller with another buyer: nothing new', async () => {
    const [buyer, seller, other] = [user(), user(), user()];
    await h.known(buyer, seller, other);
    const productId = randomUUID();
    const transactionId = await tradeRequested(buyer, seller, productId);
    await payment('payment.started', { transactionId, buyer, seller });

    await screened(h, buyer, seller, [PAYMENT], { productId });
    await screened(h, seller, buyer, [PAYMENT], { productId: randomUUID() });
    await screened(h, seller, other, [PAYMENT], { productId });
    const rules = [...(await alertsAbout(buyer.userId)), ...(await alertsAbout(seller.userId))].map((a) => a.rule);
    expect(rules).toEqual(['OFF_PLATFORM_PAYMENT_REQUEST', 'OFF_PLATFORM_PAYMENT_REQUEST', 'OFF_PLATFORM_PAYMENT_REQUEST']);
  });

  it('payment.started arriving before transaction.requested (two topics) still joins the listing', async () => {
    const [buyer, seller] = [user(), user()];
    await h.known(buyer, seller);
    const productId = randomUUID();
    const transactionId = randomUUID();
    await payment('payment.started', { transactionId, buyer, seller });
    // The listing is not known yet: a message naming it does not match (nothing is guessed)…
    await screened(h, seller, buyer, [PAYMENT], { productId });
    expect((await alertsAbout(seller.userId)).map((a) => a.rule)).toEqual(['OFF_PLATFORM_PAYMENT_REQUEST']);
    // …and once the trade arrives it does.
    await h.deliver({
      type: 'transaction.requested',
      producer: 'transaction',
      subjectUserId: buyer.userId,
      data: { transactionId, productId, buyerId: buyer.userId, sellerId: seller.userId, amount: 450_000, by: buyer.userId, at: new Date(Date.now() - 60_000).toISOString() },
    });
    await screened(h, seller, buyer, [PAYMENT], { productId });
    expect((await alertsAbout(seller.userId)).map((a) => a.rule)).toEqual(['OFF_PLATFORM_PAYMENT_REQUEST', 'OFF_APP_AFTER_SAFE_PAYMENT']);
    const trade = await h.prisma.knownTrade.findUniqueOrThrow({ where: { transactionId } });
    expect(trade).toMatchObject({ productId, buyerId: buyer.userId, sellerId: seller.userId });
    expect(trade.safePaymentStartedAt).not.toBeNull();
  });
});

describe('disputes and failed payments', () => {
  it('three different buyers disputing one seller raise REPEATED_DISPUTES once (MEDIUM, no member warned); one buyer disputing twice counts once', async () => {
    const seller = user();
    const buyers = [user(), user(), user()];
    await h.known(seller, ...buyers);
    // The same buyer twice counts once.
    for (const buyer of [buyers[0]!, buyers[0]!, buyers[1]!]) await payment('payment.disputed', { transactionId: randomUUID(), buyer, seller });
    expect(await alertsAbout(seller.userId)).toEqual([]);
    const third = { transactionId: randomUUID(), buyer: buyers[2]!, seller };
    await payment('payment.disputed', third);
    const alerts = await alertsAbout(seller.userId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ rule: 'REPEATED_DISPUTES', level: 'MEDIUM', transactionId: third.transactionId, recipients: [] });
    expect(await h.prisma.riskSignal.count({ where: { userId: seller.userId, rule: 'REPEATED_DISPUTES' } })).toBe(1);
  });

  it('five failed payments of one buyer within the hour raise PAYMENT_FAILURE_BURST; the provider being down never counts', async () => {
    const [buyer, seller] = [user(), user()];
    await h.known(buyer, seller);
    const trade = { transactionId: randomUUID(), buyer, seller };
    for (let i = 0; i < 6; i++) await payment('payment.failed', trade, { reason: 'PROVIDER_UNAVAILABLE' });
    expect(await alertsAbout(buyer.userId)).toEqual([]);
    for (let i = 0; i < 4; i++) await payment('payment.failed', trade, { reason: 'REJECT_CARD_COMPANY' });
    expect(await alertsAbout(buyer.userId)).toEqual([]);
    await payment('payment.failed', trade, { reason: 'REJECT_CARD_COMPANY' });
    const alerts = await alertsAbout(buyer.userId);
    expect(alerts.map((a) => [a.rule, a.level, a.recipients.length])).toEqual([['PAYMENT_FAILURE_BURST', 'MEDIUM', 0]]);
    expect(await alertsAbout(seller.userId)).toEqual([]);
  });
});
