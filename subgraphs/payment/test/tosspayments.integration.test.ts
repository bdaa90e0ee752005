// The payment service configured for Toss Payments (PAYMENT_PROVIDER=tosspayments with merchant
// keys) against a local server speaking Toss's documented protocol (the sandbox; there is no network
// here), with real PostgreSQL, Redis and BullMQ: the adapter is chosen by configuration, a payment is
// held through it, Toss's unsigned payment webhooks are only notices read back from the provider,
// and a provider that times out leaves the buyer told "pending" and the money held exactly once when
// the late confirmation arrives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentHarness, user, waitFor } from './support/harness.ts';

const START = `mutation ($t: ID!) { startSafePayment(transactionId: $t) { id status checkoutUrl } }`;
const TIMEOUT_MS = 500;

let h: PaymentHarness;
beforeAll(async () => {
  h = await new PaymentHarness({ PAYMENT_PROVIDER: 'tosspayments', PAYMENT_PROVIDER_TIMEOUT_MS: String(TIMEOUT_MS) }).start();
});
afterAll(() => h?.stop());

async function started(price: number) {
  const buyer = user();
  const transactionId = await h.trade(buyer, user(), { price });
  return (await h.ok<{ startSafePayment: { id: string; status: string; checkoutUrl: string } }>(START, { t: transactionId }, { identity: buyer })).startSafePayment;
}

const row = (id: string) => h.prisma.payment.findUniqueOrThrow({ where: { id } });
const movements = (id: string) => h.server.ledger.movementsOf(id);
const heldChanges = (id: string) => h.prisma.paymentStatusChange.count({ where: { paymentId: id, toStatus: 'HELD' } });

/** An unsigned notice the way Toss sends payment status changes (it signs only some event types). */
const notice = (paymentKey: string, orderId: string, status: string) =>
  h.send(`${h.base}/payments/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ eventType: 'PAYMENT_STATUS_CHANGED', createdAt: new Date().toISOString(), data: { paymentKey, orderId, status, totalAmount: 1 } }) });

describe('PAYMENT_PROVIDER=tosspayments against a server speaking Toss\'s protocol', () => {
  it('holds a payment through the Toss adapter; an unsigned notice is believed only as far as the provider\'s own record', async () => {
    const payment = await started(64_000);
    expect((await row(payment.id)).provider).toBe('tosspayments');
    const paymentKey = (await row(payment.id)).providerPaymentKey!;
    // A forged "DONE" before the buyer paid: read back, the provider says READY, so nothing moves.
    expect((await notice(paymentKey, `anshim-${payment.id}`, 'DONE')).status).toBe(200);
    expect((await row(payment.id)).status).toBe('AWAITING_PAYMENT');
    expect(await movements(payment.id)).toEqual([]);

    const back = await h.payAtCheckout(payment.checkoutUrl);
    expect((await h.returnFromCheckout(back)).searchParams.get('status')).toBe('HELD');
    // The same notice again, and one claiming a cancellation: the provider's record says DONE, nothing moves twice.
    for (const status of ['DONE', 'CANCELED']) expect((await notice(paymentKey, `anshim-${payment.id}`, status)).status).toBe(200);
    expect((await row(payment.id)).status).toBe('HELD');
    expect(await movements(payment.id)).toEqual(['HOLD']);
    expect(await heldChanges(payment.id)).toBe(1);
  });

  it('a provider that times out: the buyer hears "pending", and the late confirmation is held exactly once', async () => {
    const payment = await started(88_000);
    const back = await h.payAtCheckout(payment.checkoutUrl);
    // Every confirmation answers well after our timeout; the first one still goes through at the provider.
    h.sandbox.switches.confirmDelayMs = 6 * TIMEOUT_MS;
    try {
      expect((await h.returnFromCheckout(back)).searchParams.get('status')).toBe('PENDING');
      expect((await row(payment.id)).status).toBe('AWAITING_PAYMENT');
      // The provider's webhook for its late confirmation (or the settle job) books it.
      await waitFor('the late confirmation to be held', async () => ((await row(payment.id)).status === 'HELD' ? true : undefined), { timeoutMs: 20_000 });
      // Our retries of the timed-out call carried the same idempotency key: one approval at the provider.
      const atProvider = h.sandbox.ledger.transactionLog(new Date(0), new Date(Date.now() + 60_000)).filter((t) => t.orderId === `anshim-${payment.id}`);
      expect(atProvider.map((t) => [t.status, t.amount])).toEqual([['DONE', 88_000]]);
      // Wait out the retries still sleeping at the provider, then settle: still booked once.
      await new Promise((resolve) => setTimeout(resolve, 8 * TIMEOUT_MS));
      await h.server.settle();
      expect(await movements(payment.id)).toEqual(['HOLD']);
      expect(await heldChanges(payment.id)).toBe(1);
    } finally {
      h.sandbox.switches.confirmDelayMs = 0;
    }
  });
});
