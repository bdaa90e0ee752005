// Issue 19's payment signals, through the gateway with user, transaction, chat, payment, monitor and
// safety (and its worker) as real processes and the sandbox provider over HTTP:
// - a buyer starts a safe payment; the seller then writes a bank account in the chat: the buyer's
//   riskAlerts show OFF_APP_AFTER_SAFE_PAYMENT (HIGH), naming the trade (payment.started and
//   chat.message_screened meet in the monitor through transaction.requested's listing);
// - a trade paid through safe payment and completed: the seller's COMPLETED_TRADES factor says the
//   trade went through safe payment and weighs more (payment.released → safety).
import { Client as Pg } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../subgraphs/payment/src/sandbox/sandbox-server.ts';
import { gatewayClient, waitFor, type RegisteredPerson } from '../support/gateway-client.ts';
import { freePort } from '../support/free-port.ts';
import { accountNumberOfThisRun } from '../support/fraud-text.ts';
import { startStack, type Stack } from '../support/stack.ts';

let stack: Stack;
let sandbox: SandboxHandle;
let pg: Pg;
const { call, ok, register } = gatewayClient(() => stack.gatewayUrl);
const KEYS = { PAYMENT_SECRET_KEY: 'test_sk_e2e_payment_signals', PAYMENT_WEBHOOK_KEY: 'e2e-payment-signals-webhook-key' };

beforeAll(async () => {
  const gatewayPort = String(await freePort());
  sandbox = await startSandbox({ port: 0, secretKey: KEYS.PAYMENT_SECRET_KEY, webhookKey: KEYS.PAYMENT_WEBHOOK_KEY, webhookUrl: `http://127.0.0.1:${gatewayPort}/payments/webhook` });
  stack = await startStack({
    subgraphs: ['user', 'transaction', 'chat', 'payment', 'monitor', 'safety'],
    workers: ['safety'],
    env: { GATEWAY_PORT: gatewayPort, PAYMENT_PROVIDER_URL: sandbox.url, ...KEYS },
  });
  pg = new Pg({ connectionString: stack.env.DATABASE_URL });
  await pg.connect();
}, 240_000);
afterAll(async () => {
  await pg?.end();
  await stack?.stop();
  await sandbox?.close();
});

const SEND = `mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }`;

/** A listing, the buyer's conversation about it, a trade the seller accepted and the buyer's safe payment. */
async function tradeWithSafePayment(seller: RegisteredPerson, buyer: RegisteredPerson) {
  const product = (await ok(`mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`, { input: { title: '캠핑 의자 2개', description: '한 번 사용', price: 84_000, category: 'SPORTS' } }, seller.token)).createProduct;
  const conversationId = await waitFor('chat to know the listing', async () => {
    const result = await call(`mutation($p: ID!) { startConversation(productId: $p) { id } }`, { p: product.id }, buyer.token);
    return result.errors ? undefined : (result.data!.startConversation.id as string);
  }, 30_000);
  const trade = (await ok(`mutation($id: ID!) { startTransaction(productId: $id) { id } }`, { id: product.id }, buyer.token)).startTransaction;
  await ok(`mutation($id: ID!) { updateTransactionStatus(id: $id, status: ACCEPTED) { id } }`, { id: trade.id }, seller.token);
  const payment = await waitFor('payment to know the accepted trade', async () => {
    const result = await call(`mutation($t: ID!) { startSafePayment(transactionId: $t) { id status checkoutUrl } }`, { t: trade.id }, buyer.token);
    return result.errors ? undefined : result.data!.startSafePayment;
  }, 30_000);
  return { productId: product.id as string, conversationId, tradeId: trade.id as string, payment };
}

describe('payment signals', () => {
  it('the seller asking for a bank transfer after the buyer started a safe payment: a HIGH alert for the buyer, naming the trade', async () => {
    const seller = await register('seller');
    const buyer = await register('buyer');
    const { conversationId, tradeId } = await tradeWithSafePayment(seller, buyer);
    // The monitor took in the safe payment (payment.started) before the message; then one message.
    await waitFor('the monitor to know the safe payment', async () => {
      const { rows } = await pg.query(`SELECT 1 FROM svc_monitor.known_trades WHERE transaction_id = $1::uuid AND safe_payment_started_at IS NOT NULL AND product_id IS NOT NULL`, [tradeId]);
      return rows.length > 0;
    }, 30_000);
    await ok(SEND, { id: conversationId, text: `안전결제 오류가 나네요. 국민 ${accountNumberOfThisRun()} 로 입금해 주세요` }, seller.token);

    const alert = await waitFor('the buyer to be warned', async () => {
      const { riskAlerts } = await ok(`{ riskAlerts { rule level message subject { id } recipients { id } transaction { id } } }`, {}, buyer.token);
      return riskAlerts.find((a: { rule: string }) => a.rule === 'OFF_APP_AFTER_SAFE_PAYMENT');
    }, 20_000);
    expect(alert).toMatchObject({ level: 'HIGH', subject: { id: seller.id }, recipients: [{ id: buyer.id }], transaction: { id: tradeId } });
    expect(alert.message).toMatch(/안전결제를 시작한 거래/);
    const rules = (await ok(`{ riskAlerts { rule } }`, {}, buyer.token)).riskAlerts.map((a: { rule: string }) => a.rule);
    expect(rules).not.toContain('OFF_PLATFORM_PAYMENT_REQUEST');
  });

  it('a trade paid through safe payment and completed weighs more in the seller\'s score, and says so', async () => {
    const seller = await register('seller');
    const buyer = await register('buyer');
    const { tradeId, payment } = await tradeWithSafePayment(seller, buyer);
    const paid = await fetch(payment.checkoutUrl, { method: 'POST', body: new URLSearchParams({ action: 'pay' }), redirect: 'manual' });
    await fetch(new URL(paid.headers.get('location')!), { redirect: 'manual' });
    await ok(`mutation($id: ID!) { updateTransactionStatus(id: $id, status: COMPLETED) { id } }`, { id: tradeId }, buyer.token);

    const factor = await waitFor('the release to reach the seller\'s score', async () => {
      const { me } = await ok(`{ me { safetyScore { factors { code contribution description } } } }`, {}, seller.token);
      return me.safetyScore.factors.find((f: { code: string; description: string }) => f.code === 'COMPLETED_TRADES' && f.description.includes('안전결제'));
    }, 30_000);
    expect(factor.description).toBe('거래 1건을 마쳤습니다. 그중 1건은 안전결제로 마쳐 더 크게 반영됩니다.');
    // One trade through escrow counts as 1.5: 20 · (1 − e^(−1.5/10)) · 0.8 (unrated).
    expect(factor.contribution).toBeCloseTo(20 * (1 - Math.exp(-0.15)) * 0.8, 1);
  });
});
