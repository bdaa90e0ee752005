// Webhooks out of order: the provider's notice of a confirmation arriving (twice) only after the
// money was released, and a stale "DONE" notice replayed after the payment was refunded and the
// provider returned the money. The payment service reads the provider's record back instead of
// believing a payload, so nothing moves again: one entry per movement, no new history row, and
// the reconciliation of these payments finds nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../src/providers/webhook-signature.ts';
import { compareOrder, type OurPayment } from '../src/reconciliation/compare.ts';
import type { PaymentStatus } from '../src/model.ts';
import type { EntryKind } from '../src/ledger/postings.ts';
import { PaymentHarness, user, waitFor } from './support/harness.ts';

const START = `mutation ($t: ID!) { startSafePayment(transactionId: $t) { id checkoutUrl } }`;

let h: PaymentHarness;
beforeAll(async () => {
  h = await new PaymentHarness().start();
});
afterAll(() => h?.stop());

async function held(price: number) {
  const buyer = user();
  const seller = user();
  const transactionId = await h.trade(buyer, seller, { price });
  const { startSafePayment } = await h.ok<{ startSafePayment: { id: string; checkoutUrl: string } }>(START, { t: transactionId }, { identity: buyer });
  const landed = await h.returnFromCheckout(await h.payAtCheckout(startSafePayment.checkoutUrl));
  expect(landed.searchParams.get('status')).toBe('HELD');
  return { buyer, seller, transactionId, paymentId: startSafePayment.id };
}

const status = async (id: string) => (await h.prisma.payment.findUniqueOrThrow({ where: { id } })).status;
const books = async (id: string) => ({
  entries: (await h.prisma.ledgerEntry.findMany({ where: { paymentId: id }, orderBy: { createdAt: 'asc' } })).map((e) => e.kind).sort(),
  changes: await h.prisma.paymentStatusChange.count({ where: { paymentId: id } }),
});

/** Our payment as the reconciliation sees it, against the sandbox's own record of it. */
async function reconciled(id: string) {
  const payment = await h.prisma.payment.findUniqueOrThrow({ where: { id } });
  const entries = await h.prisma.ledgerEntry.findMany({ where: { paymentId: id }, include: { postings: true } });
  const escrowBalance = entries.flatMap((e) => e.postings).filter((p) => p.accountKind === 'ESCROW_HELD').reduce((sum, p) => sum + Number(p.amount), 0);
  const ours: OurPayment = { ...payment, status: payment.status as PaymentStatus, movements: entries.map((e) => e.kind as EntryKind), unbalancedEntries: 0, escrowBalance };
  const atProvider = h.sandbox.ledger.get(payment.providerPaymentKey!);
  return compareOrder(ours, { orderId: atProvider.orderId, paymentKey: atProvider.paymentKey, approved: atProvider.totalAmount, cancelled: atProvider.totalAmount - atProvider.balanceAmount });
}

describe('webhooks out of order', () => {
  it('the confirmation\'s notices arriving (twice) after the money was released change nothing', async () => {
    const answered = h.webhookAnswers.length;
    Object.assign(h.sandbox.switches, { webhookDelayMs: 6_000, duplicateWebhooks: true });
    try {
      const { buyer, seller, transactionId, paymentId } = await held(33_000);
      await h.endTrade(transactionId, buyer, seller, 'completed', 33_000);
      await waitFor('the release', async () => ((await status(paymentId)) === 'RELEASED' ? true : undefined));
      expect(h.webhookAnswers.length, 'no notice before the release').toBe(answered);
      const before = await books(paymentId);
      await waitFor('both late notices to be answered', () => (h.webhookAnswers.length >= answered + 2 ? true : undefined), { timeoutMs: 20_000 });
      expect(h.webhookAnswers.slice(answered)).toEqual([200, 200]);
      expect(await status(paymentId)).toBe('RELEASED');
      expect(await books(paymentId)).toEqual(before);
      expect(before).toEqual({ entries: ['HOLD', 'RELEASE'], changes: 3 });
      expect(await reconciled(paymentId)).toEqual([]);
    } finally {
      Object.assign(h.sandbox.switches, { webhookDelayMs: 0, duplicateWebhooks: false });
    }
  });

  it('a stale "DONE" notice replayed after the refund was returned changes nothing', async () => {
    const { buyer, seller, transactionId, paymentId } = await held(27_000);
    const payment = await h.prisma.payment.findUniqueOrThrow({ where: { id: paymentId } });
    // What the provider sent when it confirmed, kept by someone and sent again later (freshly signed:
    // the signature is valid, only the news is old).
    const stale = JSON.stringify({ eventType: 'PAYMENT_STATUS_CHANGED', createdAt: new Date().toISOString(), data: { paymentKey: payment.providerPaymentKey, orderId: payment.orderId, status: 'DONE', totalAmount: 27_000, balanceAmount: 27_000 } });
    await h.endTrade(transactionId, buyer, seller, 'cancelled', 27_000);
    await waitFor('the refund', async () => ((await status(paymentId)) === 'REFUNDED' ? true : undefined));
    await h.server.settle();
    await waitFor('the provider to return the money', async () => ((await books(paymentId)).entries.includes('REFUND_RETURNED') ? true : undefined));
    const before = await books(paymentId);
    expect(before).toEqual({ entries: ['HOLD', 'REFUND', 'REFUND_RETURNED'], changes: 3 });

    const headers = { 'content-type': 'application/json', ...signWebhook([String(h.env().PAYMENT_WEBHOOK_KEY)], stale, new Date().toISOString()) };
    for (let i = 0; i < 3; i++) expect((await h.send(`${h.base}/payments/webhook`, { method: 'POST', body: stale, headers })).status).toBe(200);
    expect(await status(paymentId)).toBe('REFUNDED');
    expect(await books(paymentId)).toEqual(before);
    expect(h.sandbox.ledger.get(payment.providerPaymentKey!).status).toBe('CANCELED');
    expect(await reconciled(paymentId)).toEqual([]);
  });
});
