// Safe payment through the gateway with user, transaction and payment as real processes and the
// sandbox provider over HTTP (docs/payments.md): a buyer pays for an accepted trade at the
// provider's checkout with plain HTTP, comes back through the gateway and the money is HELD; the
// buyer completes the trade and it is RELEASED. A cancelled trade is REFUNDED through the
// provider. The provider's webhooks reach the payment service only through the gateway. The payer
// and the payee hear each change on their myPayments subscription over the gateway's one endpoint.
import { createClient, type Client, type ExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../subgraphs/payment/src/sandbox/sandbox-server.ts';
import { codeOf, gatewayClient, waitFor, type RegisteredPerson } from '../support/gateway-client.ts';
import { freePort } from '../support/free-port.ts';
import { startStack, type Stack } from '../support/stack.ts';

let stack: Stack;
let sandbox: SandboxHandle;
const clients: Client[] = [];
const { call, ok, register } = gatewayClient(() => stack.gatewayUrl);
const KEYS = { PAYMENT_SECRET_KEY: 'test_sk_e2e_payment', PAYMENT_WEBHOOK_KEY: 'e2e-payment-webhook-key' };

beforeAll(async () => {
  const gatewayPort = String(await freePort());
  sandbox = await startSandbox({ port: 0, secretKey: KEYS.PAYMENT_SECRET_KEY, webhookKey: KEYS.PAYMENT_WEBHOOK_KEY, webhookUrl: `http://127.0.0.1:${gatewayPort}/payments/webhook` });
  stack = await startStack({ subgraphs: ['user', 'transaction', 'payment'], env: { GATEWAY_PORT: gatewayPort, PAYMENT_PROVIDER_URL: sandbox.url, ...KEYS } });
}, 180_000);
afterAll(async () => {
  for (const client of clients) await client.dispose();
  await stack?.stop();
  await sandbox?.close();
});

const PAYMENT = 'id status amount checkoutUrl payer { id } payee { id } history { from to }';

/** A listing, a trade the seller accepted, and the buyer's safe payment (once payment knows the trade). */
async function acceptedTradeWithPayment(price: number, people?: { seller: RegisteredPerson; buyer: RegisteredPerson }) {
  const seller = people?.seller ?? (await register('seller'));
  const buyer = people?.buyer ?? (await register('buyer'));
  const product = (await ok(`mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`, { input: { title: '유아 카시트', description: '6개월 사용', price, category: 'KIDS' } }, seller.token)).createProduct;
  const trade = (await ok(`mutation($id: ID!) { startTransaction(productId: $id) { id } }`, { id: product.id }, buyer.token)).startTransaction;
  await ok(`mutation($id: ID!) { updateTransactionStatus(id: $id, status: ACCEPTED) { id } }`, { id: trade.id }, seller.token);
  const payment = await waitFor('payment to know the accepted trade', async () => {
    const result = await call(`mutation($t: ID!) { startSafePayment(transactionId: $t) { ${PAYMENT} } }`, { t: trade.id }, buyer.token);
    return result.errors ? undefined : result.data!.startSafePayment;
  }, 30_000);
  return { seller, buyer, trade, payment };
}

/** The buyer pays at the provider's checkout and their browser follows the redirects back through the gateway. */
async function payAndReturn(checkoutUrl: string): Promise<URL> {
  const paid = await fetch(checkoutUrl, { method: 'POST', body: new URLSearchParams({ action: 'pay' }), redirect: 'manual' });
  const back = new URL(paid.headers.get('location')!);
  expect(back.origin).toBe(new URL(stack.gatewayUrl).origin);
  const answer = await fetch(back, { redirect: 'manual' });
  expect(answer.status).toBe(303);
  return new URL(answer.headers.get('location')!);
}

type PaymentPush = ExecutionResult<{ myPayments: { id: string; status: string; amount: number } }>;

/** A graphql-ws subscription through the gateway's /graphql; every message it pushes is kept. */
function subscribe(token: string, query: string): PaymentPush[] {
  const client = createClient({ url: stack.gatewayUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${token}` } });
  clients.push(client);
  const pushes: PaymentPush[] = [];
  client.subscribe({ query }, { next: (value) => void pushes.push(value as PaymentPush), error: (error) => void pushes.push({ errors: (Array.isArray(error) ? error : [error]) as never }), complete: () => undefined });
  return pushes;
}

const pushed = (pushes: PaymentPush[], id: string, status: string) => pushes.some((push) => push.data?.myPayments.id === id && push.data.myPayments.status === status);

const paymentOfTrade = async (tradeId: string, token: string) =>
  (await ok(`query($id: ID!) { transaction(id: $id) { id payment { ${PAYMENT} } } }`, { id: tradeId }, token)).transaction.payment;

describe('safe payment through the gateway', () => {
  it('holds the buyer\'s money at the trade\'s price and releases it to the seller when the buyer completes', async () => {
    const { seller, buyer, trade, payment } = await acceptedTradeWithPayment(230_000);
    expect(payment).toMatchObject({ status: 'AWAITING_PAYMENT', amount: 230_000, payer: { id: buyer.id }, payee: { id: seller.id } });

    const landed = await payAndReturn(payment.checkoutUrl);
    expect(landed.pathname).toBe('/payments/done');
    expect(landed.searchParams.get('status')).toBe('HELD');
    const page = await fetch(landed);
    expect(await page.text()).toContain('안심결제가 돈을 안전하게 보관해요');

    expect(await paymentOfTrade(trade.id, seller.token)).toMatchObject({ status: 'HELD', checkoutUrl: null });
    // The provider's webhook came through the gateway and changed nothing twice.
    await waitFor('the sandbox to send its webhook', async () => sandbox.webhooksSent() > 0, 10_000);

    await ok(`mutation($id: ID!) { updateTransactionStatus(id: $id, status: COMPLETED) { id } }`, { id: trade.id }, buyer.token);
    const released = await waitFor('the payment to be released', async () => {
      const current = await paymentOfTrade(trade.id, buyer.token);
      return current.status === 'RELEASED' ? current : undefined;
    }, 15_000);
    expect(released.history.map((change: { to: string }) => change.to)).toEqual(['AWAITING_PAYMENT', 'HELD', 'RELEASED']);
  });

  it('refunds held money when the trade is cancelled, and hides the payment from strangers', async () => {
    const { seller, buyer, trade, payment } = await acceptedTradeWithPayment(55_000);
    const landed = await payAndReturn(payment.checkoutUrl);
    const atProvider = sandbox.ledger.transactions(new Date(0), new Date(Date.now() + 60_000)).find((p) => p.orderId === `anshim-${payment.id}`);
    expect({ status: landed.searchParams.get('status'), provider: atProvider?.status, amount: atProvider?.totalAmount }).toEqual({ status: 'HELD', provider: 'DONE', amount: 55_000 });
    const stranger = await register('stranger');
    expect((await call(`query($id: ID!) { payment(id: $id) { id } }`, { id: payment.id }, stranger.token)).data?.payment).toBeNull();
    expect(codeOf((await call(`mutation($t: ID!) { startSafePayment(transactionId: $t) { id } }`, { t: trade.id }, buyer.token)).errors)).toBe('CONFLICT');

    await ok(`mutation($id: ID!) { updateTransactionStatus(id: $id, status: CANCELLED) { id } }`, { id: trade.id }, seller.token);
    await waitFor('the refund', async () => ((await paymentOfTrade(trade.id, buyer.token)).status === 'REFUNDED' ? true : undefined), 15_000);
    await waitFor('the provider to return the money', async () => (sandbox.ledger.get(atProvider!.paymentKey).status === 'CANCELED' ? true : undefined), 15_000);
  });

  it('pushes each change to the payer and the payee over the gateway\'s one endpoint (graphql-ws), and nothing to anyone else', async () => {
    const seller = await register('seller');
    const buyer = await register('buyer');
    const stranger = await register('stranger');
    const SUBSCRIPTION = 'subscription { myPayments { id status amount } }';
    const toBuyer = subscribe(buyer.token, SUBSCRIPTION);
    const toSeller = subscribe(seller.token, SUBSCRIPTION);
    const toStranger = subscribe(stranger.token, SUBSCRIPTION);
    // No blind sleep: a payment started before the subscriptions were live is left, and the next trade tried.
    let live: Awaited<ReturnType<typeof acceptedTradeWithPayment>> | undefined;
    for (let attempt = 0; attempt < 5 && !live; attempt++) {
      const candidate = await acceptedTradeWithPayment(72_000, { seller, buyer });
      live = await waitFor('the start to be pushed to the buyer', async () => pushed(toBuyer, candidate.payment.id, 'AWAITING_PAYMENT') && candidate, 5_000).catch(() => undefined);
    }
    expect(live, 'a start pushed to the buyer').toBeDefined();
    const { payment, trade } = live!;
    expect(toBuyer.find((push) => push.data?.myPayments.id === payment.id)?.data?.myPayments).toEqual({ id: payment.id, status: 'AWAITING_PAYMENT', amount: 72_000 });

    expect((await payAndReturn(payment.checkoutUrl)).searchParams.get('status')).toBe('HELD');
    await waitFor('HELD to be pushed to both parties', async () => pushed(toBuyer, payment.id, 'HELD') && pushed(toSeller, payment.id, 'HELD'), 15_000);
    await ok(`mutation($id: ID!) { updateTransactionStatus(id: $id, status: COMPLETED) { id } }`, { id: trade.id }, buyer.token);
    await waitFor('RELEASED to be pushed to both parties', async () => pushed(toBuyer, payment.id, 'RELEASED') && pushed(toSeller, payment.id, 'RELEASED'), 15_000);

    expect([...toBuyer, ...toSeller].filter((push) => push.errors)).toEqual([]);
    expect(toStranger).toEqual([]);
  });

  it('refuses a forged webhook at the gateway\'s door with a code', async () => {
    const answer = await fetch(`${new URL(stack.gatewayUrl).origin}/payments/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'tosspayments-webhook-signature': 'v1:AAAA', 'tosspayments-webhook-transmission-time': new Date().toISOString() },
      body: JSON.stringify({ eventType: 'PAYMENT_STATUS_CHANGED', data: { paymentKey: 'k', orderId: 'o' } }),
    });
    expect(answer.status).toBe(401);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('WEBHOOK_REJECTED');
  });
});
