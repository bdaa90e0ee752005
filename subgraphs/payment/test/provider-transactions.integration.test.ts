// Toss's transactions lookup (GET /v1/transactions) through the Toss-protocol adapter against the
// sandbox over real HTTP: approvals and (partial) cancellations as separate transactions, oldest
// first, the date range respected, the cursor (startingAfter) walking every page once, and the
// refusals Toss gives for a request without dates or with a bad limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { PaymentProvider } from '../src/providers/provider.ts';
import { tossProtocolProvider } from '../src/providers/toss-protocol.ts';
import { providerTransactions } from '../src/reconciliation/reconcile.ts';
import { startSandbox, type SandboxHandle } from '../src/sandbox/sandbox-server.ts';

const SECRET = 'test_sk_sandbox_transactions';
let sandbox: SandboxHandle;
let provider: PaymentProvider;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, secretKey: SECRET, webhookKey: 'sandbox-transactions-webhook-key', webhookUrl: null });
  provider = tossProtocolProvider({ name: 'sandbox', baseUrl: sandbox.url, secretKey: SECRET, webhookKey: null, requireSignedWebhooks: false, webhookMaxAgeMs: 300_000, timeoutMs: 2_000, attempts: 2 });
});
afterAll(() => sandbox?.close());

async function approved(amount: number) {
  const orderId = `order-${randomUUID()}`;
  const created = await provider.create({ orderId, amount, orderName: '유모차', successUrl: 'http://app.test/ok', failUrl: 'http://app.test/no' });
  const back = new URL((await fetch(created.checkoutUrl!, { method: 'POST', body: new URLSearchParams({ action: 'pay' }), redirect: 'manual' })).headers.get('location')!);
  await provider.confirm({ paymentKey: back.searchParams.get('paymentKey')!, orderId, amount });
  return { orderId, paymentKey: back.searchParams.get('paymentKey')! };
}

describe('the transactions lookup', () => {
  it('lists approvals and cancellations once each across pages, oldest first, within the range', async () => {
    const from = new Date();
    const payments: Array<{ orderId: string; paymentKey: string }> = [];
    for (const amount of [10_000, 20_000, 30_000, 40_000]) payments.push(await approved(amount));
    await provider.cancel({ ...payments[1]!, reason: 'buyer asked' });
    // A partial cancellation (Toss's cancelAmount), then the rest.
    const key = payments[2]!.paymentKey;
    const auth = `Basic ${Buffer.from(`${SECRET}:`).toString('base64')}`;
    const partial = await fetch(`${sandbox.url}/v1/payments/${key}/cancel`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json', 'idempotency-key': 'partial-1' }, body: JSON.stringify({ cancelReason: 'part', cancelAmount: 5_000 }) });
    expect(((await partial.json()) as { status: string; balanceAmount: number })).toMatchObject({ status: 'PARTIAL_CANCELED', balanceAmount: 25_000 });
    // A checkout never paid is no transaction.
    await provider.create({ orderId: `order-${randomUUID()}`, amount: 1_000, orderName: 'x', successUrl: 'http://app.test/ok', failUrl: 'http://app.test/no' });
    const to = new Date(Date.now() + 1_000);

    const all = await providerTransactions(provider, from, to, 2);
    expect(all).toHaveLength(6);
    expect(new Set(all.map((t) => t.transactionKey)).size).toBe(6);
    expect(all.map((t) => t.transactionAt)).toEqual([...all.map((t) => t.transactionAt)].sort());
    const of = (i: number) => all.filter((t) => t.orderId === payments[i]!.orderId).map((t) => [t.status, t.amount]);
    expect(of(0)).toEqual([['DONE', 10_000]]);
    expect(of(1)).toEqual([['DONE', 20_000], ['CANCELED', 20_000]]);
    expect(of(2)).toEqual([['DONE', 30_000], ['PARTIAL_CANCELED', 5_000]]);
    // One page of everything is the same list.
    expect(await provider.transactions({ from, to, limit: 100 })).toEqual(all);
    // The range's end excludes what came after it.
    expect(await provider.transactions({ from: to, to: new Date(to.getTime() + 60_000) })).toEqual([]);
  });

  it('refuses a lookup without dates or with a bad limit, as Toss does', async () => {
    const auth = { authorization: `Basic ${Buffer.from(`${SECRET}:`).toString('base64')}` };
    expect((await fetch(`${sandbox.url}/v1/transactions`, { headers: auth })).status).toBe(400);
    expect((await fetch(`${sandbox.url}/v1/transactions?startDate=2026-01-01T00:00:00Z&endDate=2026-01-02T00:00:00Z&limit=0`, { headers: auth })).status).toBe(400);
    expect((await fetch(`${sandbox.url}/v1/transactions?startDate=2026-01-01T00:00:00Z&endDate=2026-01-02T00:00:00Z`)).status).toBe(401);
  });
});
