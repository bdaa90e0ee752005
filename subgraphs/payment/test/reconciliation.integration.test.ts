// The reconciliation (`npm run payments:reconcile`) against real PostgreSQL and the sandbox over
// HTTP, in a database of its own so "everything" means this file's payments: a clean history
// (held, released, refunded and returned, abandoned, unpaid) reports nothing and exits 0; then
// differences are made at the provider only — our ledger is append-only and stays untouched — and
// each is reported by kind, the command exits 1, and the one the settle job repairs disappears
// after its pass (booked exactly once).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type PaymentPrisma } from '../src/database.ts';
import { reconcile } from '../src/reconciliation/reconcile.ts';
import { providerFrom } from '../src/server.ts';
import { loadPaymentEnv } from '../src/env.ts';
import { PaymentHarness, user, waitFor } from './support/harness.ts';
import { ownPaymentDatabase, runReconcileCli } from './support/reconcile-cli.ts';

const START = `mutation ($t: ID!) { startSafePayment(transactionId: $t) { id status amount checkoutUrl } }`;

let h: PaymentHarness;
let db: Awaited<ReturnType<typeof ownPaymentDatabase>>;
let prisma: PaymentPrisma;
let cliEnv: Record<string, string>;

beforeAll(async () => {
  db = await ownPaymentDatabase();
  h = await new PaymentHarness({ DATABASE_URL: db.databaseUrl }).start();
  prisma = createDatabase({ databaseUrl: db.databaseUrl });
  const env = h.env();
  cliEnv = { DATABASE_URL: db.databaseUrl, PAYMENT_PROVIDER_URL: h.sandbox.url, PAYMENT_SECRET_KEY: env.PAYMENT_SECRET_KEY!, PAYMENT_WEBHOOK_KEY: env.PAYMENT_WEBHOOK_KEY! };
}, 120_000);
afterAll(async () => {
  await prisma?.$disconnect();
  await h?.stop();
  await db?.drop();
});

type Started = { buyer: ReturnType<typeof user>; seller: ReturnType<typeof user>; transactionId: string; payment: { id: string; checkoutUrl: string; amount: number } };

async function started(price = 50_000): Promise<Started> {
  const buyer = user();
  const seller = user();
  const transactionId = await h.trade(buyer, seller, { price });
  const { startSafePayment } = await h.ok<{ startSafePayment: Started['payment'] }>(START, { t: transactionId }, { identity: buyer });
  return { buyer, seller, transactionId, payment: startSafePayment };
}

async function held(price = 50_000): Promise<Started> {
  const s = await started(price);
  expect((await h.returnFromCheckout(await h.payAtCheckout(s.payment.checkoutUrl))).searchParams.get('status')).toBe('HELD');
  return s;
}

const statusOf = async (id: string) => (await prisma.payment.findUniqueOrThrow({ where: { id } })).status;
const keyOf = async (id: string) => (await prisma.payment.findUniqueOrThrow({ where: { id } })).providerPaymentKey!;

/** The provider's own API with the merchant key, as its console or another system would use it. */
async function atProvider(path: string, body: Record<string, unknown>, idempotencyKey: string): Promise<Record<string, unknown>> {
  const answer = await fetch(`${h.sandbox.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${cliEnv.PAYMENT_SECRET_KEY}:`).toString('base64')}`, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    body: JSON.stringify(body),
  });
  const json = (await answer.json()) as Record<string, unknown>;
  expect(answer.status, JSON.stringify(json)).toBe(200);
  return json;
}

const reconcileNow = () => reconcile({ prisma, provider: providerFrom(loadPaymentEnv(h.env())) }, { from: new Date(0), to: new Date(Date.now() + 1_000) });

describe('payments:reconcile', () => {
  it('reports nothing for a clean history and exits 0', async () => {
    const released = await held(30_000);
    await h.endTrade(released.transactionId, released.buyer, released.seller, 'completed', 30_000);
    await waitFor('the release', async () => ((await statusOf(released.payment.id)) === 'RELEASED' ? true : undefined), { timeoutMs: 10_000 });
    const refunded = await held(40_000);
    await h.endTrade(refunded.transactionId, refunded.buyer, refunded.seller, 'cancelled', 40_000);
    await waitFor('the refund', async () => ((await statusOf(refunded.payment.id)) === 'REFUNDED' ? true : undefined), { timeoutMs: 10_000 });
    await h.server.settle();
    await waitFor('the refund returned', async () => ((await prisma.ledgerEntry.count({ where: { paymentId: refunded.payment.id, kind: 'REFUND_RETURNED' } })) === 1 ? true : undefined), { timeoutMs: 10_000 });
    await held(50_000);
    const abandoned = await started(60_000);
    await h.returnFromCheckout(await h.payAtCheckout(abandoned.payment.checkoutUrl, 'abort'));
    await started(70_000);

    const report = await reconcileNow();
    expect(report.differences).toEqual([]);
    expect(report).toMatchObject({ payments: 5, providerOrders: 3, ledger: { trialBalance: 0, entries: 6 } });
    // Approvals of three payments, one cancellation.
    expect(report.providerTransactions).toBe(4);

    const cli = await runReconcileCli(cliEnv, ['--hours', '1', '--json']);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.report).toMatchObject({ differences: [], payments: 5, ledger: { trialBalance: 0 } });
  }, 180_000);

  it('reports differences made at the provider, exits 1, and the settle job repairs the one it can', async () => {
    const webhooksBefore = h.webhookAnswers.length;
    // 1. The provider collected money for an order we never recorded.
    const stranger = await atProvider('/v1/payments', { method: 'CARD', amount: 12_345, orderId: 'elsewhere-order-1', orderName: 'x', successUrl: 'http://a.test/ok', failUrl: 'http://a.test/no' }, 'elsewhere-order-1:create');
    await h.payAtCheckout(String((stranger.checkout as { url: string }).url));
    await atProvider('/v1/payments/confirm', { paymentKey: stranger.paymentKey, orderId: 'elsewhere-order-1', amount: 12_345 }, 'elsewhere-order-1:confirm');
    // 2. Confirmed at the provider, our write never happened (the buyer's return was lost, and so was the webhook).
    const lost = await started(20_000);
    const back = await h.payAtCheckout(lost.payment.checkoutUrl);
    h.sandbox.switches.dropWebhooks = true;
    try {
      await atProvider('/v1/payments/confirm', { paymentKey: back.searchParams.get('paymentKey'), orderId: back.searchParams.get('orderId'), amount: 20_000 }, `${back.searchParams.get('orderId')}:confirm`);
    } finally {
      h.sandbox.switches.dropWebhooks = false;
    }
    // 3. Held here, cancelled in the provider's console.
    const cancelled = await held(25_000);
    await atProvider(`/v1/payments/${await keyOf(cancelled.payment.id)}/cancel`, { cancelReason: 'console' }, 'console-cancel-1');
    // 4. Held here, part of it cancelled at the provider.
    const partial = await held(35_000);
    await atProvider(`/v1/payments/${await keyOf(partial.payment.id)}/cancel`, { cancelReason: 'console', cancelAmount: 5_000 }, 'console-cancel-2');
    // The provider's webhooks about these reach us; none of them may change our books.
    await waitFor('the webhooks', async () => (h.webhookAnswers.length >= webhooksBefore + 5 ? true : undefined), { timeoutMs: 10_000 });
    expect(await statusOf(lost.payment.id)).toBe('AWAITING_PAYMENT');
    expect(await statusOf(cancelled.payment.id)).toBe('HELD');

    const report = await reconcileNow();
    const found = report.differences.map((d) => ({ kind: d.kind, orderId: d.orderId, settleRepairs: d.settleRepairs }));
    expect(found).toEqual(
      expect.arrayContaining([
        { kind: 'UNKNOWN_ORDER', orderId: 'elsewhere-order-1', settleRepairs: false },
        { kind: 'PAID_NOT_HELD', orderId: `anshim-${lost.payment.id}`, settleRepairs: true },
        { kind: 'CANCELLED_AT_PROVIDER', orderId: `anshim-${cancelled.payment.id}`, settleRepairs: false },
        { kind: 'PARTIALLY_CANCELLED', orderId: `anshim-${partial.payment.id}`, settleRepairs: false },
      ]),
    );
    expect(found).toHaveLength(4);
    expect(report.ledger.trialBalance).toBe(0);

    const text = await runReconcileCli(cliEnv, ['--all']);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('4 difference(s)');
    for (const kind of ['UNKNOWN_ORDER', 'PAID_NOT_HELD', 'CANCELLED_AT_PROVIDER', 'PARTIALLY_CANCELLED', 'elsewhere-order-1']) expect(text.stdout).toContain(kind);

    // The settle job reads the lost checkout back (once its grace has passed) and holds it, once.
    await prisma.payment.update({ where: { id: lost.payment.id }, data: { updatedAt: new Date(Date.now() - 5 * 60_000) } });
    await Promise.all([h.server.settle(), h.server.settle()]);
    expect(await statusOf(lost.payment.id)).toBe('HELD');
    expect(await prisma.ledgerEntry.count({ where: { paymentId: lost.payment.id, kind: 'HOLD' } })).toBe(1);
    const after = await reconcileNow();
    expect(after.differences.map((d) => d.kind).sort()).toEqual(['CANCELLED_AT_PROVIDER', 'PARTIALLY_CANCELLED', 'UNKNOWN_ORDER']);
  }, 180_000);

  it('refuses bad arguments with exit code 2', async () => {
    const bad = await runReconcileCli(cliEnv, ['--from', 'yesterday-ish']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--from must be a date');
  }, 60_000);
});
