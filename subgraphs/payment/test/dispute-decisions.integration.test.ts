// A moderator's decision settles a disputed payment, against real PostgreSQL, Redis, BullMQ and the
// sandbox provider over HTTP: report.processed through payment's real consumer refunds the buyer
// through the provider on ACCEPT and pays the seller on DISMISS (actor MODERATOR, a plain reason),
// with balanced books; a redelivered or second decision moves no money twice; a decision about a
// report no dispute opened, or naming someone else's payment, moves nothing; and money nobody
// decided about stays held: the settle job never auto-releases a DISPUTED payment.
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerQueueName, createQueueConnection, queuePrefix, type Identity } from '@anshim/platform';
import type { EventData } from '@anshim/contracts';
import { inject } from 'vitest';
import { PaymentHarness, PAYMENT_FIELDS, user, waitFor } from './support/harness.ts';

const START = `mutation ($t: ID!) { startSafePayment(transactionId: $t) { ${PAYMENT_FIELDS} } }`;
const READ = `query ($id: ID!) { payment(id: $id) { id status history { from to reason } } }`;
const DISPUTE = `mutation ($id: ID!, $r: String!) { disputePayment(id: $id, reason: $r) { id status } }`;

let h: PaymentHarness;
let queue: Queue;
let connection: ReturnType<typeof createQueueConnection>;
beforeAll(async () => {
  h = await new PaymentHarness().start();
  const settings = { url: inject('redisUrl'), prefix: h.prefix };
  connection = createQueueConnection(settings);
  queue = new Queue(consumerQueueName('payment'), { connection, prefix: queuePrefix(settings, consumerQueueName('payment')) });
});
afterAll(async () => {
  await queue?.close();
  connection?.disconnect();
  await h?.stop();
});

type Payment = { id: string; status: string; checkoutUrl: string | null; history: Array<{ from: string | null; to: string; reason: string | null }> };
type Decision = EventData<'report.processed'>;

/** A trade paid with the sandbox (HELD), then disputed by the buyer (DISPUTED). */
async function disputed(price = 120_000) {
  const buyer = user();
  const seller = user();
  const transactionId = await h.trade(buyer, seller, { price });
  const { startSafePayment: started } = await h.ok<{ startSafePayment: Payment }>(START, { t: transactionId }, { identity: buyer });
  const landed = await h.returnFromCheckout(await h.payAtCheckout(started.checkoutUrl!));
  expect(landed.searchParams.get('status')).toBe('HELD');
  const { disputePayment } = await h.ok<{ disputePayment: Payment }>(DISPUTE, { id: started.id, r: '물건이 설명과 전혀 달라요' }, { identity: buyer });
  expect(disputePayment.status).toBe('DISPUTED');
  return { buyer, seller, transactionId, paymentId: started.id };
}

function decision(d: { buyer: Identity; seller: Identity; transactionId: string; paymentId: string | null }, verdict: 'ACCEPT' | 'DISMISS'): Decision {
  const now = new Date().toISOString();
  return { reportId: randomUUID(), reporterId: d.buyer.userId, targetUserId: d.seller.userId, type: 'FRAUD', decision: verdict, sanction: null, filedAt: now, processedAt: now, transactionId: d.transactionId, paymentId: d.paymentId };
}

/** Publishes report.processed the way report does (outbox, relay) and waits until payment handled it; returns its id. */
async function decide(data: Decision): Promise<string> {
  const id = await h.publish({ type: 'report.processed', producer: 'report', subjectUserId: data.targetUserId, data });
  await h.processed(id);
  return id;
}

/** The same envelope again under a fresh job id, as a redelivery would; waits until it was handled. */
async function redeliver(id: string, data: Decision): Promise<void> {
  const jobId = `redelivery-${randomUUID()}`;
  await queue.add('report.processed', { id, type: 'report.processed', occurredAt: new Date().toISOString(), producer: 'report', subjectUserId: data.targetUserId, data, schemaVersion: 1 }, { jobId });
  await waitFor('the redelivery to be handled', async () => ((await queue.getJob(jobId))?.finishedOn !== undefined ? true : undefined));
}

const movements = (paymentId: string) => h.server.ledger.movementsOf(paymentId);
const row = (paymentId: string) => h.prisma.payment.findUniqueOrThrow({ where: { id: paymentId } });
const eventsOf = async (paymentId: string) =>
  (await h.prisma.outboxEvent.findMany({ where: { type: { startsWith: 'payment.' } }, orderBy: { createdAt: 'asc' } }))
    .map((e) => e.payload as { type: string; data: { paymentId: string; actor: string; reason: string | null } })
    .filter((e) => e.data.paymentId === paymentId);

describe('the moderator accepts the dispute', () => {
  it('refunds the buyer through the provider, as MODERATOR, with balanced books; a duplicate moves nothing twice', async () => {
    const d = await disputed(87_000);
    const accepted = decision(d, 'ACCEPT');
    const eventId = await decide(accepted);
    await redeliver(eventId, accepted);
    // A second decision (another event) finds the money settled.
    await decide({ ...decision(d, 'DISMISS'), reportId: accepted.reportId });

    await waitFor('the refund returned through the provider', async () => ((await movements(d.paymentId)).includes('REFUND_RETURNED') ? true : undefined));
    const payment = await row(d.paymentId);
    expect(payment.status).toBe('REFUNDED');
    expect(await movements(d.paymentId)).toEqual(['HOLD', 'REFUND', 'REFUND_RETURNED']);
    expect(h.sandbox.ledger.get(payment.providerPaymentKey!).status).toBe('CANCELED');
    expect(await h.server.ledger.balanceOf({ kind: 'ESCROW_HELD', ownerId: d.paymentId })).toBe(0);
    expect(await h.server.ledger.balanceOf({ kind: 'BUYER_REFUNDABLE', ownerId: d.buyer.userId })).toBe(0);
    expect(await h.server.ledger.balanceOf({ kind: 'SELLER_PAYABLE', ownerId: d.seller.userId })).toBe(0);
    expect(await h.server.ledger.trialBalance()).toBe(0);

    const changes = await h.prisma.paymentStatusChange.findMany({ where: { paymentId: d.paymentId }, orderBy: { id: 'asc' } });
    expect(changes.map((c) => [c.toStatus, c.actor])).toEqual([['AWAITING_PAYMENT', 'BUYER'], ['HELD', 'PROVIDER'], ['DISPUTED', 'BUYER'], ['REFUNDED', 'MODERATOR']]);
    expect((await eventsOf(d.paymentId)).map((e) => e.type)).toEqual(['payment.started', 'payment.held', 'payment.disputed', 'payment.refunded']);
    expect((await eventsOf(d.paymentId)).at(-1)?.data).toMatchObject({ actor: 'MODERATOR', reason: 'DISPUTE_UPHELD' });

    // The history says in plain words what the moderator decided, in the member's language.
    const ko = (await h.ok<{ payment: Payment }>(READ, { id: d.paymentId }, { identity: d.buyer })).payment.history.at(-1);
    expect(ko).toMatchObject({ from: 'DISPUTED', to: 'REFUNDED', reason: expect.stringContaining('구매자에게 환불') });
    const en = (await h.ok<{ payment: Payment }>(READ, { id: d.paymentId }, { identity: d.seller, lang: 'en' })).payment.history.at(-1);
    expect(en?.reason).toMatch(/moderator upheld the buyer's complaint/i);
  });
});

describe('the moderator dismisses the dispute', () => {
  it('pays the seller, as MODERATOR; the provider is not asked to cancel', async () => {
    const d = await disputed(64_000);
    const dismissed = decision(d, 'DISMISS');
    const eventId = await decide(dismissed);
    await redeliver(eventId, dismissed);
    const payment = await row(d.paymentId);
    expect(payment.status).toBe('RELEASED');
    expect(await movements(d.paymentId)).toEqual(['HOLD', 'RELEASE']);
    expect(h.sandbox.ledger.get(payment.providerPaymentKey!).status).toBe('DONE');
    expect(await h.server.ledger.balanceOf({ kind: 'ESCROW_HELD', ownerId: d.paymentId })).toBe(0);
    expect(await h.server.ledger.balanceOf({ kind: 'SELLER_PAYABLE', ownerId: d.seller.userId })).toBe(-64_000);
    expect(await h.prisma.paymentStatusChange.count({ where: { paymentId: d.paymentId, toStatus: 'RELEASED', actor: 'MODERATOR', reason: 'DISPUTE_DISMISSED' } })).toBe(1);
    const history = (await h.ok<{ payment: Payment }>(READ, { id: d.paymentId }, { identity: d.seller })).payment.history;
    expect(history.at(-1)).toMatchObject({ from: 'DISPUTED', to: 'RELEASED', reason: expect.stringContaining('판매자에게 지급') });
  });
});

describe('decisions that settle nothing', () => {
  it('a decision on a report no dispute opened (no paymentId) leaves the parties\' disputed money alone', async () => {
    const d = await disputed();
    // The same buyer reported the same seller the usual way; the moderator accepted that report.
    const plain = decision({ ...d, paymentId: null }, 'ACCEPT');
    await decide(plain);
    const { paymentId: _dropped, transactionId: _trade, ...oldShape } = plain; // an event from before the fields existed
    await decide(oldShape);
    expect((await row(d.paymentId)).status).toBe('DISPUTED');
    expect(await movements(d.paymentId)).toEqual(['HOLD']);
  });

  it('a decision naming a payment between other people, or an unknown payment, moves nothing', async () => {
    const d = await disputed();
    await decide(decision({ ...d, buyer: user() }, 'ACCEPT'));
    await decide(decision({ ...d, paymentId: randomUUID() }, 'ACCEPT'));
    expect((await row(d.paymentId)).status).toBe('DISPUTED');
    expect(await movements(d.paymentId)).toEqual(['HOLD']);
  });

  it('the settle job never auto-releases disputed money, however late; a moderator still can', async () => {
    const d = await disputed();
    await h.prisma.payment.update({ where: { id: d.paymentId }, data: { autoReleaseAt: new Date(Date.now() - 30 * 24 * 3_600_000) } });
    await Promise.all([h.server.settle(), h.server.settle()]);
    expect((await row(d.paymentId)).status).toBe('DISPUTED');
    expect(await movements(d.paymentId)).toEqual(['HOLD']);
    await decide(decision(d, 'DISMISS'));
    expect((await row(d.paymentId)).status).toBe('RELEASED');
  });
});

describe('a disputed trade freezes its money', () => {
  /** A trade paid with the sandbox (HELD), the payment itself left alone. */
  async function held(price = 88_000) {
    const buyer = user();
    const seller = user();
    const transactionId = await h.trade(buyer, seller, { price });
    const { startSafePayment: started } = await h.ok<{ startSafePayment: Payment }>(START, { t: transactionId }, { identity: buyer });
    const landed = await h.returnFromCheckout(await h.payAtCheckout(started.checkoutUrl!));
    expect(landed.searchParams.get('status')).toBe('HELD');
    return { buyer, seller, transactionId, paymentId: started.id, price };
  }
  const tradeDisputed = (d: { buyer: Identity; seller: Identity; transactionId: string; price: number }, by: Identity) =>
    h.publish({
      type: 'transaction.disputed',
      producer: 'transaction',
      subjectUserId: by.userId,
      data: { transactionId: d.transactionId, productId: randomUUID(), buyerId: d.buyer.userId, sellerId: d.seller.userId, amount: d.price, by: by.userId, at: new Date().toISOString(), fromStatus: 'ACCEPTED' },
    });

  it("the seller's trade dispute holds the money for a moderator (no auto-release); upholding the seller's case pays the seller", async () => {
    const d = await held();
    await h.processed(await tradeDisputed(d, d.seller));
    const frozen = await row(d.paymentId);
    expect(frozen.status).toBe('DISPUTED');
    expect(await h.prisma.paymentStatusChange.count({ where: { paymentId: d.paymentId, toStatus: 'DISPUTED', actor: 'PLATFORM', reason: 'TRADE_DISPUTED_BY_SELLER' } })).toBe(1);
    expect((await eventsOf(d.paymentId)).filter((e) => e.type === 'payment.disputed').map((e) => e.data.reason)).toEqual(['TRADE_DISPUTED_BY_SELLER']);
    await h.prisma.payment.update({ where: { id: d.paymentId }, data: { autoReleaseAt: new Date(Date.now() - 30 * 24 * 3_600_000) } });
    await h.server.settle();
    expect((await row(d.paymentId)).status).toBe('DISPUTED');
    // The seller's case is against the buyer: the buyer's-shaped decision is not this payment's, the seller's is.
    const now = new Date().toISOString();
    await decide({ reportId: randomUUID(), reporterId: d.seller.userId, targetUserId: d.buyer.userId, type: 'FRAUD', decision: 'ACCEPT', sanction: null, filedAt: now, processedAt: now, transactionId: d.transactionId, paymentId: d.paymentId });
    expect((await row(d.paymentId)).status).toBe('RELEASED');
    expect(await movements(d.paymentId)).toEqual(['HOLD', 'RELEASE']);
  });

  it("the buyer's trade dispute is the buyer's complaint; a payment not made yet is cancelled instead", async () => {
    const d = await held();
    await h.processed(await tradeDisputed(d, d.buyer));
    expect(await h.prisma.paymentStatusChange.count({ where: { paymentId: d.paymentId, toStatus: 'DISPUTED', actor: 'BUYER', reason: 'TRADE_DISPUTED_BY_BUYER' } })).toBe(1);
    await decide(decision(d, 'ACCEPT'));
    expect((await row(d.paymentId)).status).toBe('REFUNDED');

    const buyer = user();
    const seller = user();
    const transactionId = await h.trade(buyer, seller, { price: 50_000 });
    const { startSafePayment: unpaid } = await h.ok<{ startSafePayment: Payment }>(START, { t: transactionId }, { identity: buyer });
    expect(unpaid.status).toBe('AWAITING_PAYMENT');
    await h.processed(await tradeDisputed({ buyer, seller, transactionId, price: 50_000 }, buyer));
    expect((await row(unpaid.id)).status).toBe('CANCELLED');
    expect(await movements(unpaid.id)).toEqual([]);
  });
});
