// Safe payment against real PostgreSQL, Redis, BullMQ and the sandbox provider over HTTP: start,
// checkout by plain HTTP, the return and the webhook, release on completion, refund on
// cancellation, disputes, and the settle job's repairs; with the abuse cases each allows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentRecord } from '../src/model.ts';
import { signWebhook } from '../src/providers/webhook-signature.ts';
import { PaymentHarness, PAYMENT_FIELDS, onlyError, user, waitFor } from './support/harness.ts';

const START = `mutation ($t: ID!) { startSafePayment(transactionId: $t) { ${PAYMENT_FIELDS} } }`;
const READ = `query ($id: ID!) { payment(id: $id) { ${PAYMENT_FIELDS} } }`;
const DISPUTE = `mutation ($id: ID!, $r: String!) { disputePayment(id: $id, reason: $r) { id status history { to reason } } }`;

let h: PaymentHarness;
beforeAll(async () => {
  h = await new PaymentHarness().start();
});
afterAll(() => h?.stop());

type Payment = { id: string; status: string; amount: number; checkoutUrl: string | null; autoReleaseAt: string | null; history: Array<{ from: string | null; to: string; reason: string | null }> };

async function started(buyer = user(), seller = user(), price = 120_000) {
  const transactionId = await h.trade(buyer, seller, { price });
  const { startSafePayment } = await h.ok<{ startSafePayment: Payment }>(START, { t: transactionId }, { identity: buyer });
  return { buyer, seller, transactionId, payment: startSafePayment };
}

async function held(price = 120_000) {
  const s = await started(user(), user(), price);
  const landed = await h.returnFromCheckout(await h.payAtCheckout(s.payment.checkoutUrl!));
  expect(landed.searchParams.get('status')).toBe('HELD');
  return s;
}

const movements = (paymentId: string) => h.server.ledger.movementsOf(paymentId);

describe('starting a safe payment', () => {
  it('opens a checkout for the trade\'s price, shown to the payer only', async () => {
    const { buyer, seller, payment } = await started(user(), user(), 87_000);
    expect(payment).toMatchObject({ status: 'AWAITING_PAYMENT', amount: 87_000, history: [{ from: null, to: 'AWAITING_PAYMENT' }] });
    expect(payment.checkoutUrl).toMatch(/\/checkout\/sandbox_/);
    const seen = await h.ok<{ payment: Payment }>(READ, { id: payment.id }, { identity: seller });
    expect(seen.payment).toMatchObject({ status: 'AWAITING_PAYMENT', checkoutUrl: null });
    expect((await h.ok<{ payment: Payment | null }>(READ, { id: payment.id }, { identity: user() })).payment).toBeNull();
    expect((await h.ok<{ payment: Payment }>(READ, { id: payment.id }, { identity: buyer })).payment.checkoutUrl).toBe(payment.checkoutUrl);
  });

  it('refuses the seller, a stranger, an unaccepted trade, a bad id and a second payment, writing nothing', async () => {
    const buyer = user();
    const seller = user();
    const transactionId = await h.trade(buyer, seller);
    expect(onlyError(await h.gql(START, { t: transactionId }, { identity: seller }))).toMatchObject({ code: 'FORBIDDEN', extensions: { reason: 'BUYER_ONLY' } });
    expect(onlyError(await h.gql(START, { t: transactionId }, { identity: user() })).code).toBe('NOT_FOUND');
    expect(onlyError(await h.gql(START, { t: 'not-an-id' }, { identity: buyer })).code).toBe('BAD_USER_INPUT');
    const requested = await h.trade(buyer, seller, { accepted: false });
    expect(onlyError(await h.gql(START, { t: requested }, { identity: buyer }))).toMatchObject({ code: 'CONFLICT', extensions: { reason: 'TRADE_NOT_ACCEPTED' } });
    expect(await h.prisma.payment.count({ where: { transactionId: { in: [transactionId, requested] } } })).toBe(0);
    await h.ok(START, { t: transactionId }, { identity: buyer });
    expect(onlyError(await h.gql(START, { t: transactionId }, { identity: buyer }))).toMatchObject({ code: 'CONFLICT', extensions: { reason: 'PAYMENT_EXISTS' } });
    expect(await h.prisma.payment.count({ where: { transactionId } })).toBe(1);
  });

  it('refuses a COMPLETED and a CANCELLED trade with a code, writing nothing', async () => {
    const buyer = user();
    const seller = user();
    const completed = await h.trade(buyer, seller);
    await h.endTrade(completed, buyer, seller, 'completed');
    const cancelled = await h.trade(buyer, seller);
    await h.endTrade(cancelled, buyer, seller, 'cancelled');
    for (const [transactionId, tradeStatus] of [[completed, 'COMPLETED'], [cancelled, 'CANCELLED']] as const) {
      expect(onlyError(await h.gql(START, { t: transactionId }, { identity: buyer }))).toMatchObject({ code: 'CONFLICT', extensions: { reason: 'TRADE_NOT_ACCEPTED', tradeStatus } });
    }
    expect(await h.prisma.payment.count({ where: { transactionId: { in: [completed, cancelled] } } })).toBe(0);
  });

  it('lets exactly one of many concurrent starts win', async () => {
    const buyer = user();
    const transactionId = await h.trade(buyer, user());
    const results = await Promise.all(Array.from({ length: 8 }, () => h.gql(START, { t: transactionId }, { identity: buyer })));
    expect(results.filter((result) => !result.errors).length).toBe(1);
    expect(results.filter((result) => result.errors?.[0]?.extensions?.reason === 'PAYMENT_EXISTS').length).toBe(7);
    expect(await h.prisma.payment.count({ where: { transactionId } })).toBe(1);
  });

  it('a flood of starts from one member writes one payment, opens one checkout at the provider and one event', async () => {
    const buyer = user();
    const transactionId = await h.trade(buyer, user());
    const before = h.sandbox.ledger.transactions(new Date(0), new Date(Date.now() + 60_000)).length;
    const results = await Promise.all(Array.from({ length: 60 }, () => h.gql(START, { t: transactionId }, { identity: buyer })));
    expect(results.filter((result) => !result.errors).length).toBe(1);
    expect(results.every((result) => !result.errors || result.errors[0]?.extensions?.reason === 'PAYMENT_EXISTS')).toBe(true);
    const [payment] = await h.prisma.payment.findMany({ where: { transactionId } });
    expect(h.sandbox.ledger.transactions(new Date(0), new Date(Date.now() + 60_000)).length).toBe(before + 1);
    expect(await h.prisma.paymentStatusChange.count({ where: { paymentId: payment!.id } })).toBe(1);
    const events = await h.prisma.outboxEvent.findMany({ where: { type: 'payment.started' } });
    expect(events.filter((e) => (e.payload as { data: { paymentId: string } }).data.paymentId === payment!.id)).toHaveLength(1);
  });

  it('fails the payment and says so when the provider does not answer; the buyer may start again', async () => {
    const buyer = user();
    const transactionId = await h.trade(buyer, user());
    const down = new PaymentHarness({ PAYMENT_PROVIDER_URL: 'http://127.0.0.1:9/', PAYMENT_PROVIDER_TIMEOUT_MS: '300', PAYMENT_CONSUME_EVENTS: 'false' });
    await down.start();
    try {
      expect(onlyError(await down.gql(START, { t: transactionId }, { identity: buyer }))).toMatchObject({ code: 'TEMPORARILY_UNAVAILABLE' });
    } finally {
      await down.stop();
    }
    expect((await h.prisma.payment.findFirst({ where: { transactionId } }))?.status).toBe('FAILED');
    expect((await h.ok<{ startSafePayment: Payment }>(START, { t: transactionId }, { identity: buyer })).startSafePayment.status).toBe('AWAITING_PAYMENT');
  });
});

describe('paying', () => {
  it('holds the money once the buyer returns from checkout; the webhook changes nothing twice', async () => {
    const { payment, buyer } = await held();
    await waitFor('the webhook was answered', async () => (h.webhookAnswers.length > 0 ? true : undefined));
    const read = (await h.ok<{ payment: Payment }>(READ, { id: payment.id }, { identity: buyer })).payment;
    expect(read.status).toBe('HELD');
    expect(read.checkoutUrl).toBeNull();
    expect(Date.parse(read.autoReleaseAt!)).toBeGreaterThan(Date.now() + 6 * 24 * 3_600_000);
    expect(read.history.map((change) => change.to)).toEqual(['AWAITING_PAYMENT', 'HELD']);
    expect(await movements(payment.id)).toEqual(['HOLD']);
  });

  it('the buyer\'s return and the provider\'s notice racing for one confirmation both see it HELD, booked once', async () => {
    for (let round = 0; round < 4; round++) {
      const { payment } = await started();
      const back = await h.payAtCheckout(payment.checkoutUrl!);
      const notice = { paymentKey: back.searchParams.get('paymentKey')!, orderId: back.searchParams.get('orderId')! };
      const [landed, viaNotice] = await Promise.all([h.returnFromCheckout(back), h.server.sync.webhook(notice), h.server.sync.webhook(notice)]);
      expect(landed.searchParams.get('status')).toBe('HELD');
      expect(viaNotice?.status).toBe('HELD');
      expect(await movements(payment.id)).toEqual(['HOLD']);
    }
  });

  it('does not confirm when the returned amount differs from the trade price', async () => {
    const { payment } = await started();
    const back = await h.payAtCheckout(payment.checkoutUrl!);
    back.searchParams.set('amount', '1000');
    expect((await h.returnFromCheckout(back)).searchParams.get('status')).toBe('AMOUNT_MISMATCH');
    expect((await h.prisma.payment.findUnique({ where: { id: payment.id } }))?.status).toBe('AWAITING_PAYMENT');
    expect(await movements(payment.id)).toEqual([]);
  });

  it('fails a payment the buyer gave up at checkout', async () => {
    const { payment } = await started();
    const back = await h.payAtCheckout(payment.checkoutUrl!, 'abort');
    expect((await h.returnFromCheckout(back)).searchParams.get('status')).toBe('FAILED');
    expect((await h.prisma.payment.findUnique({ where: { id: payment.id } }))?.status).toBe('FAILED');
  });

  it('refuses a forged webhook with a code and changes nothing', async () => {
    const { payment } = await started();
    const body = JSON.stringify({ eventType: 'PAYMENT_STATUS_CHANGED', data: { paymentKey: 'x', orderId: `anshim-${payment.id}`, status: 'DONE' } });
    const answer = await h.send(`${h.base}/payments/webhook`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'tosspayments-webhook-signature': 'v1:AAAA', 'tosspayments-webhook-transmission-time': new Date().toISOString() } });
    expect(answer.status).toBe(401);
    expect(await answer.json()).toEqual({ error: { code: 'WEBHOOK_REJECTED', reason: 'BAD_SIGNATURE' } });
    expect((await h.prisma.payment.findUnique({ where: { id: payment.id } }))?.status).toBe('AWAITING_PAYMENT');
  });

  it('refuses a replayed webhook (a valid signature, an old transmission time) with a code and changes nothing', async () => {
    const { payment } = await started();
    const back = await h.payAtCheckout(payment.checkoutUrl!);
    const body = JSON.stringify({ eventType: 'PAYMENT_STATUS_CHANGED', data: { paymentKey: back.searchParams.get('paymentKey'), orderId: `anshim-${payment.id}`, status: 'DONE' } });
    const old = new Date(Date.now() - 10 * 60_000).toISOString();
    const headers = { 'content-type': 'application/json', ...signWebhook([String(h.env().PAYMENT_WEBHOOK_KEY)], body, old) };
    const answer = await h.send(`${h.base}/payments/webhook`, { method: 'POST', body, headers });
    expect(answer.status).toBe(401);
    expect(await answer.json()).toEqual({ error: { code: 'WEBHOOK_REJECTED', reason: 'STALE' } });
    expect((await h.prisma.payment.findUnique({ where: { id: payment.id } }))?.status).toBe('AWAITING_PAYMENT');
    expect(await h.prisma.paymentStatusChange.count({ where: { paymentId: payment.id } })).toBe(1);
    expect(await movements(payment.id)).toEqual([]);
  });

  it('a trade cancelled while the buyer is at checkout: the return confirms nothing, the buyer\'s authorisation is never captured', async () => {
    const { payment, transactionId, buyer, seller } = await started();
    await h.endTrade(transactionId, buyer, seller, 'cancelled');
    expect((await h.prisma.payment.findUnique({ where: { id: payment.id } }))?.status).toBe('CANCELLED');
    const back = await h.payAtCheckout(payment.checkoutUrl!);
    expect((await h.returnFromCheckout(back)).searchParams.get('status')).toBe('FAILED');
    expect(h.sandbox.ledger.get(back.searchParams.get('paymentKey')!).status).toBe('IN_PROGRESS');
    expect((await h.prisma.payment.findUnique({ where: { id: payment.id } }))?.status).toBe('CANCELLED');
    expect(await movements(payment.id)).toEqual([]);
  });

  it('a trade cancelled while our confirmation is on its way: the money the provider collected goes straight back', async () => {
    const { payment, transactionId, buyer, seller } = await started();
    const back = await h.payAtCheckout(payment.checkoutUrl!);
    // The buyer's return read the payment while it was still waiting; the cancellation lands before the provider answers.
    const waiting = (await h.prisma.payment.findUniqueOrThrow({ where: { id: payment.id } })) as PaymentRecord;
    await h.endTrade(transactionId, buyer, seller, 'cancelled');
    const after = await h.server.sync.confirm(waiting, back.searchParams.get('paymentKey')!);
    expect(after.status).toBe('CANCELLED');
    expect(h.sandbox.ledger.get(back.searchParams.get('paymentKey')!)).toMatchObject({ status: 'CANCELED', balanceAmount: 0 });
    expect(await movements(payment.id)).toEqual([]);
  });

  it('the settle job finishes a payment whose return was lost after the buyer paid', async () => {
    const { payment } = await started();
    await h.payAtCheckout(payment.checkoutUrl!); // the browser never comes back
    await h.prisma.payment.update({ where: { id: payment.id }, data: { updatedAt: new Date(Date.now() - 5 * 60_000) } });
    await h.server.settle();
    expect((await h.prisma.payment.findUnique({ where: { id: payment.id } }))?.status).toBe('HELD');
    expect(await movements(payment.id)).toEqual(['HOLD']);
  });
});

describe('after the money is held', () => {
  it('a completed trade releases it to the seller; escrow ends at zero', async () => {
    const { payment, transactionId, buyer, seller } = await held();
    await h.endTrade(transactionId, buyer, seller, 'completed');
    expect((await h.prisma.payment.findUnique({ where: { id: payment.id } }))?.status).toBe('RELEASED');
    expect(await movements(payment.id)).toEqual(['HOLD', 'RELEASE']);
    expect(await h.server.ledger.balanceOf({ kind: 'ESCROW_HELD', ownerId: payment.id })).toBe(0);
    expect(await h.server.ledger.balanceOf({ kind: 'SELLER_PAYABLE', ownerId: seller.userId })).toBe(-120_000);
    const events = await h.prisma.outboxEvent.findMany({ where: { type: { startsWith: 'payment.' } }, orderBy: { createdAt: 'asc' } });
    expect(events.filter((e) => (e.payload as { data: { paymentId: string } }).data.paymentId === payment.id).map((e) => e.type)).toEqual(['payment.started', 'payment.held', 'payment.released']);
  });

  it('a cancelled trade refunds it through the provider; every account of the payment ends at zero', async () => {
    const { payment, transactionId, buyer, seller } = await held();
    await h.endTrade(transactionId, buyer, seller, 'cancelled');
    await waitFor('the refund returned through the provider', async () => ((await movements(payment.id)).includes('REFUND_RETURNED') ? true : undefined));
    expect((await h.prisma.payment.findUnique({ where: { id: payment.id } }))?.status).toBe('REFUNDED');
    expect(await movements(payment.id)).toEqual(['HOLD', 'REFUND', 'REFUND_RETURNED']);
    expect(h.sandbox.ledger.get((await h.prisma.payment.findUnique({ where: { id: payment.id } }))!.providerPaymentKey!).status).toBe('CANCELED');
    expect(await h.server.ledger.balanceOf({ kind: 'BUYER_REFUNDABLE', ownerId: buyer.userId })).toBe(0);
  });

  it('the buyer disputes held money: it stays held, and only the buyer can, only while held', async () => {
    const { payment, buyer, seller, transactionId } = await held();
    expect(onlyError(await h.gql(DISPUTE, { id: payment.id, r: '물건이 안 왔어요' }, { identity: seller }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(onlyError(await h.gql(DISPUTE, { id: payment.id, r: '물건이 안 왔어요' }, { identity: user() })).code).toBe('NOT_FOUND');
    expect(onlyError(await h.gql(DISPUTE, { id: payment.id, r: '  ' }, { identity: buyer })).code).toBe('BAD_USER_INPUT');
    const { disputePayment } = await h.ok<{ disputePayment: Payment }>(DISPUTE, { id: payment.id, r: '물건이 안 왔어요' }, { identity: buyer });
    expect(disputePayment.status).toBe('DISPUTED');
    // A flood of the same dispute changes nothing more: one DISPUTED change, no money moved.
    const again = await Promise.all(Array.from({ length: 30 }, () => h.gql(DISPUTE, { id: payment.id, r: '또' }, { identity: buyer })));
    expect(again.every((result) => result.errors?.[0]?.extensions?.code === 'CONFLICT')).toBe(true);
    expect(await h.prisma.paymentStatusChange.count({ where: { paymentId: payment.id, toStatus: 'DISPUTED' } })).toBe(1);
    // A completed trade no longer releases disputed money: a moderator decides.
    await h.endTrade(transactionId, buyer, seller, 'completed');
    expect((await h.prisma.payment.findUnique({ where: { id: payment.id } }))?.status).toBe('DISPUTED');
    expect(await movements(payment.id)).toEqual(['HOLD']);
    expect(onlyError(await h.gql(DISPUTE, { id: payment.id, r: '다시' }, { identity: buyer }))).toMatchObject({ code: 'CONFLICT', extensions: { reason: 'NOT_HELD' } });
  });

  it('a dispute on released money is refused with a code and writes nothing', async () => {
    const { payment, transactionId, buyer, seller } = await held();
    await h.endTrade(transactionId, buyer, seller, 'completed');
    expect((await h.prisma.payment.findUnique({ where: { id: payment.id } }))?.status).toBe('RELEASED');
    const changes = await h.prisma.paymentStatusChange.count({ where: { paymentId: payment.id } });
    expect(onlyError(await h.gql(DISPUTE, { id: payment.id, r: '물건이 고장 났어요' }, { identity: buyer }))).toMatchObject({ code: 'CONFLICT', extensions: { reason: 'NOT_HELD', status: 'RELEASED' } });
    expect((await h.prisma.payment.findUnique({ where: { id: payment.id } }))?.status).toBe('RELEASED');
    expect(await h.prisma.paymentStatusChange.count({ where: { paymentId: payment.id } })).toBe(changes);
    const disputed = (await h.prisma.outboxEvent.findMany({ where: { type: 'payment.disputed' } })).filter((e) => (e.payload as { data: { paymentId: string } }).data.paymentId === payment.id);
    expect(disputed).toEqual([]);
    expect(await movements(payment.id)).toEqual(['HOLD', 'RELEASE']);
  });

  it('money nobody confirmed or disputed goes to the seller at autoReleaseAt, once', async () => {
    const { payment } = await held();
    await h.prisma.payment.update({ where: { id: payment.id }, data: { autoReleaseAt: new Date(Date.now() - 1_000) } });
    await Promise.all([h.server.settle(), h.server.settle()]);
    const after = await h.prisma.payment.findUnique({ where: { id: payment.id }, include: { history: true } });
    expect(after?.status).toBe('RELEASED');
    expect(after?.history.map((change) => change.reason)).toContain('AUTO_RELEASE');
    expect(await movements(payment.id)).toEqual(['HOLD', 'RELEASE']);
  });
});

describe('myPayments', () => {
  it('pushes each status change of the member\'s payments, and nobody else\'s', async () => {
    const buyer = user();
    const seller = user();
    const transactionId = await h.trade(buyer, seller);
    const mine = h.subscribe<{ myPayments: { id: string; status: string } }>('subscription { myPayments { id status } }', buyer)[Symbol.asyncIterator]();
    const stranger = h.subscribe<{ myPayments: { id: string } }>('subscription { myPayments { id } }', user())[Symbol.asyncIterator]();
    const strangerNext = stranger.next();
    await new Promise((resolve) => setTimeout(resolve, 300)); // the subscriptions are open
    const { startSafePayment } = await h.ok<{ startSafePayment: Payment }>(START, { t: transactionId }, { identity: buyer });
    expect((await mine.next()).value?.data?.myPayments).toEqual({ id: startSafePayment.id, status: 'AWAITING_PAYMENT' });
    await h.returnFromCheckout(await h.payAtCheckout(startSafePayment.checkoutUrl!));
    expect((await mine.next()).value?.data?.myPayments).toEqual({ id: startSafePayment.id, status: 'HELD' });
    const raced = await Promise.race([strangerNext.then(() => 'got one'), new Promise((resolve) => setTimeout(() => resolve('nothing'), 300))]);
    expect(raced).toBe('nothing');
  });
});
