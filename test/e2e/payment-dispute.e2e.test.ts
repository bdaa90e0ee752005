// A safe-payment dispute through the gateway, with user, transaction, report and payment as real
// processes and the sandbox provider over HTTP (docs/payments.md, "Disputes"): the buyer pays, the
// money is HELD, the buyer disputes it; a report opens for the moderators (PAYMENT_DISPUTE, naming
// the payment); an ADMIN accepts it and the buyer is refunded through the provider, or dismisses it
// and the seller is paid. The money never moves before the decision. An upheld dispute counts in the
// seller's safety score like any accepted FRAUD report (safety and its worker run too).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../subgraphs/payment/src/sandbox/sandbox-server.ts';
import { bootstrapAdmin, gatewayClient, waitFor } from '../support/gateway-client.ts';
import { freePort } from '../support/free-port.ts';
import { recentWarnings } from '../support/processes.ts';
import { startStack, type Stack } from '../support/stack.ts';

const ADMIN = bootstrapAdmin();
const KEYS = { PAYMENT_SECRET_KEY: 'test_sk_e2e_dispute', PAYMENT_WEBHOOK_KEY: 'e2e-dispute-webhook-key' };

let stack: Stack;
let sandbox: SandboxHandle;
let adminToken: string;
const { call, ok, register, login } = gatewayClient(() => stack.gatewayUrl);

beforeAll(async () => {
  const gatewayPort = String(await freePort());
  sandbox = await startSandbox({ port: 0, secretKey: KEYS.PAYMENT_SECRET_KEY, webhookKey: KEYS.PAYMENT_WEBHOOK_KEY, webhookUrl: `http://127.0.0.1:${gatewayPort}/payments/webhook` });
  stack = await startStack({ subgraphs: ['user', 'transaction', 'report', 'payment', 'safety'], workers: ['safety'], env: { GATEWAY_PORT: gatewayPort, PAYMENT_PROVIDER_URL: sandbox.url, ...KEYS, ...ADMIN.env } });
  adminToken = await login(ADMIN.email, ADMIN.password);
}, 240_000);
afterAll(async () => {
  await stack?.stop();
  await sandbox?.close();
});

const PAYMENT = 'id status checkoutUrl history { from to reason }';
const REPORTS = `{ reports(status: RECEIVED, first: 100) { id type priority origin description reporter { id } target { id } transaction { id } payment { id status amount } } }`;
const PROCESS = `mutation($id: ID!, $input: ProcessReportInput!) { processReport(id: $id, input: $input) { id status } }`;

/** A trade the seller accepted, paid by the buyer with the sandbox (HELD), then disputed by the buyer. */
async function disputedPayment(price: number, reason: string) {
  const seller = await register('seller');
  const buyer = await register('buyer');
  const product = (await ok(`mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`, { input: { title: '노트북', description: '1년 사용, 상태 좋음', price, category: 'DIGITAL' } }, seller.token)).createProduct;
  const trade = (await ok(`mutation($id: ID!) { startTransaction(productId: $id) { id } }`, { id: product.id }, buyer.token)).startTransaction;
  await ok(`mutation($id: ID!) { updateTransactionStatus(id: $id, status: ACCEPTED) { id } }`, { id: trade.id }, seller.token);
  const payment = await waitFor('payment to know the accepted trade', async () => {
    const result = await call(`mutation($t: ID!) { startSafePayment(transactionId: $t) { ${PAYMENT} } }`, { t: trade.id }, buyer.token);
    return result.errors ? undefined : result.data!.startSafePayment;
  }, 30_000);

  const paid = await fetch(payment.checkoutUrl, { method: 'POST', body: new URLSearchParams({ action: 'pay' }), redirect: 'manual' });
  const landed = await fetch(new URL(paid.headers.get('location')!), { redirect: 'manual' });
  expect(new URL(landed.headers.get('location')!).searchParams.get('status')).toBe('HELD');

  const { disputePayment } = await ok(`mutation($id: ID!, $r: String!) { disputePayment(id: $id, reason: $r) { ${PAYMENT} } }`, { id: payment.id, r: reason }, buyer.token);
  expect(disputePayment.status).toBe('DISPUTED');
  return { seller, buyer, trade, payment };
}

/**
 * A wait for what crosses services by events (payment's outbox → report's queue, report's → payment's): under a
 * second alone, but twice over 20 s in CI runs on a saturated machine (load 15 on 2 cores), cause not found. It
 * allows 60 s, and a timeout carries every process' last warnings, so the next one names its cause.
 */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  try {
    return await waitFor(what, probe, 60_000);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${recentWarnings(stack.processes)}`, { cause: error });
  }
}

/** The report the dispute opened, as the ADMIN's queue shows it. */
const reportOf = (paymentId: string) =>
  eventually('the dispute to open a report for the moderators', async () => (await ok(REPORTS, {}, adminToken)).reports.find((r: { payment: { id: string } | null }) => r.payment?.id === paymentId));

/** The member's own score factors (every factor, as they see them). */
const factorsOf = async (token: string): Promise<Array<{ code: string; contribution: number; description: string }>> =>
  (await ok(`{ me { safetyScore { factors { code contribution description } } } }`, {}, token)).me.safetyScore.factors;

const paymentAs = async (id: string, token: string, lang = 'ko') => (await ok(`query($id: ID!) { payment(id: $id) { ${PAYMENT} } }`, { id }, token, { 'accept-language': lang })).payment;

describe('a disputed safe payment is decided by a moderator', () => {
  it('the buyer disputes, a report appears for the ADMIN, the ADMIN accepts: the buyer is refunded through the provider', async () => {
    const reason = '받은 노트북이 켜지지 않아요. 판매자는 연락을 받지 않아요.';
    const { seller, buyer, trade, payment } = await disputedPayment(410_000, reason);
    const report = await reportOf(payment.id);
    expect(report).toMatchObject({ type: 'FRAUD', priority: 'HIGH', origin: 'PAYMENT_DISPUTE', description: reason, reporter: { id: buyer.id }, target: { id: seller.id }, transaction: { id: trade.id }, payment: { id: payment.id, status: 'DISPUTED', amount: 410_000 } });
    // Nothing moves before the decision.
    expect((await paymentAs(payment.id, buyer.token)).status).toBe('DISPUTED');

    await ok(PROCESS, { id: report.id, input: { decision: 'ACCEPT', resolution: '판매자가 정상 작동 증빙을 내지 못함' } }, adminToken);
    const refunded = await eventually('the refund', async () => {
      const current = await paymentAs(payment.id, buyer.token);
      return current.status === 'REFUNDED' ? current : undefined;
    });
    expect(refunded.history.map((change: { to: string }) => change.to)).toEqual(['AWAITING_PAYMENT', 'HELD', 'DISPUTED', 'REFUNDED']);
    expect(refunded.history.at(-1).reason).toContain('구매자에게 환불');
    expect((await paymentAs(payment.id, seller.token, 'en')).history.at(-1).reason).toMatch(/upheld the buyer's complaint/);
    const atProvider = sandbox.ledger.transactions(new Date(0), new Date(Date.now() + 60_000)).find((p) => p.orderId === `anshim-${payment.id}`);
    await waitFor('the provider to return the money', async () => (sandbox.ledger.get(atProvider!.paymentKey).status === 'CANCELED' ? true : undefined), 15_000);
    // The upheld dispute is an accepted FRAUD report against the seller: the score counts it like one.
    const fraud = await waitFor('the accepted dispute to reach the seller\'s score', async () => (await factorsOf(seller.token)).find((f) => f.code === 'REPORT_FRAUD'), 30_000);
    expect(fraud.contribution).toBeLessThan(0);
    expect(fraud.description).toContain('사기 신고가 사실로 확인되었습니다(1건)');
  }, 180_000);

  it('the ADMIN dismisses another dispute: the seller is paid, the provider keeps the payment', async () => {
    const { seller, buyer, payment } = await disputedPayment(95_000, '생각했던 색상과 달라요.');
    const report = await reportOf(payment.id);
    await ok(PROCESS, { id: report.id, input: { decision: 'DISMISS', resolution: '설명과 사진에 색상이 정확히 나와 있음' } }, adminToken);
    // The decision reaches payment through report's outbox and payment's queue.
    const released = await eventually('the release', async () => {
      const current = await paymentAs(payment.id, seller.token);
      return current.status === 'RELEASED' ? current : undefined;
    });
    expect(released.history.at(-1)).toMatchObject({ from: 'DISPUTED', to: 'RELEASED', reason: expect.stringContaining('판매자에게 지급') });
    // The buyer's own view of their report: decided, with the plain outcome.
    const mine = (await ok(`{ myReports { id status origin resolution } }`, {}, buyer.token)).myReports.find((r: { id: string }) => r.id === report.id);
    expect(mine).toMatchObject({ status: 'DISMISSED', origin: 'PAYMENT_DISPUTE', resolution: expect.any(String) });
    const atProvider = sandbox.ledger.transactions(new Date(0), new Date(Date.now() + 60_000)).find((p) => p.orderId === `anshim-${payment.id}`);
    expect(atProvider?.status).toBe('DONE');
  }, 180_000);
});
