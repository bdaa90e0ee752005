// Issue 21's business metrics, read from each real process's /metrics on its operations port after
// real traffic through the gateway (user, transaction, payment with the sandbox provider, report,
// monitor, chat, safety and its worker):
// - transaction counts a trade started, completed and cancelled, and not a start that rolled back;
// - payment counts the money HELD and RELEASED;
// - report counts a FRAUD report filed and accepted, and the accepted one as fraud stopped;
// - chat counts a masked message and a message held back from a restricted sender;
// - monitor counts the alert the fraudster's message raised, by rule and level;
// - the safety worker times the recalculations and the lag from each event to its score.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../subgraphs/payment/src/sandbox/sandbox-server.ts';
import { bootstrapAdmin, codeOf, gatewayClient, LOGIN, waitFor, type RegisteredPerson } from '../support/gateway-client.ts';
import { freePort } from '../support/free-port.ts';
import { startStack, type Stack } from '../support/stack.ts';

const ADMIN = bootstrapAdmin();
const KEYS = { PAYMENT_SECRET_KEY: 'test_sk_e2e_business_metrics', PAYMENT_WEBHOOK_KEY: 'e2e-business-metrics-webhook-key' };
let stack: Stack;
let sandbox: SandboxHandle;
const { call, ok, register } = gatewayClient(() => stack.gatewayUrl);

beforeAll(async () => {
  const gatewayPort = String(await freePort());
  sandbox = await startSandbox({ port: 0, secretKey: KEYS.PAYMENT_SECRET_KEY, webhookKey: KEYS.PAYMENT_WEBHOOK_KEY, webhookUrl: `http://127.0.0.1:${gatewayPort}/payments/webhook` });
  stack = await startStack({
    subgraphs: ['user', 'transaction', 'payment', 'report', 'monitor', 'chat', 'safety'],
    workers: ['safety'],
    env: { ...ADMIN.env, GATEWAY_PORT: gatewayPort, PAYMENT_PROVIDER_URL: sandbox.url, SUBGRAPH_TIMEOUT_MS: '60000', ...KEYS },
    // Seven subgraphs, a worker and the gateway at once: slow on a busy 2-core machine.
    startTimeoutMs: 400_000,
  });
}, 900_000);
afterAll(async () => {
  await stack?.stop();
  await sandbox?.close();
});

/** One sample of a Prometheus text exposition: the value of `name` whose labels include `labels`; 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => have[key] === value)) total += Number(match[3]);
  }
  return total;
}

async function metricsOf(process: string): Promise<string> {
  const origin = process === 'safety-worker' ? `http://127.0.0.1:${stack.processes.find((p) => p.name === 'safety-worker')!.port}` : stack.operationsUrls[process];
  expect(origin, `${process}'s operations URL`).toBeDefined();
  const res = await fetch(`${origin}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

/** Polls a process's /metrics until `name{labels}` reaches `atLeast`; returns the value. */
const reaches = (process: string, name: string, labels: Record<string, string>, atLeast: number) =>
  waitFor(`${process} ${name}${JSON.stringify(labels)} ≥ ${atLeast}`, async () => {
    const value = sample(await metricsOf(process), name, labels);
    return value >= atLeast ? value : undefined;
  }, 60_000);

const PRODUCT = `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`;
const START = `mutation($id: ID!) { startTransaction(productId: $id) { id } }`;
const MOVE = `mutation($id: ID!, $s: TransactionStatus!) { updateTransactionStatus(id: $id, status: $s) { id } }`;

async function listing(seller: RegisteredPerson, title: string, price: number): Promise<string> {
  return (await ok(PRODUCT, { input: { title, description: '상태 좋아요, 직거래 가능', price, category: 'DIGITAL' } }, seller.token)).createProduct.id;
}

describe('business metrics on each process\'s /metrics', () => {
  let seller: RegisteredPerson;
  let buyer: RegisteredPerson;
  let adminToken: string;

  beforeAll(async () => {
    seller = await register('seller');
    buyer = await register('buyer');
    adminToken = (await ok(LOGIN, { email: ADMIN.email, password: ADMIN.password })).login.accessToken;
  }, 120_000);

  it('counts trades started, completed and cancelled, and the payment held and released, only as committed', async () => {
    const before = await metricsOf('transaction');
    // Every label set the dashboard reads is there from the start, at 0.
    for (const event of ['started', 'completed', 'cancelled', 'disputed']) expect(before).toMatch(new RegExp(`^anshim_trades_total\\{[^}]*event="${event}"[^}]*\\} 0$`, 'm'));

    const paid = await listing(seller, '닌텐도 스위치', 230_000);
    const trade = (await ok(START, { id: paid }, buyer.token)).startTransaction;
    // The same request again rolls back on the open-request index: not a trade started.
    expect(codeOf((await call(START, { id: paid }, buyer.token)).errors)).toBe('CONFLICT');
    await ok(MOVE, { id: trade.id, s: 'ACCEPTED' }, seller.token);
    const payment = await waitFor('payment to know the accepted trade', async () => {
      const result = await call(`mutation($t: ID!) { startSafePayment(transactionId: $t) { id checkoutUrl } }`, { t: trade.id }, buyer.token);
      return result.errors ? undefined : result.data!.startSafePayment;
    }, 30_000);
    const back = await fetch(payment.checkoutUrl, { method: 'POST', body: new URLSearchParams({ action: 'pay' }), redirect: 'manual' });
    expect((await fetch(back.headers.get('location')!, { redirect: 'manual' })).status).toBe(303);
    await ok(MOVE, { id: trade.id, s: 'COMPLETED' }, buyer.token);

    const cancelled = (await ok(START, { id: await listing(seller, '아이패드', 410_000) }, buyer.token)).startTransaction;
    await ok(MOVE, { id: cancelled.id, s: 'CANCELLED' }, seller.token);

    const trades = await metricsOf('transaction');
    expect({
      started: sample(trades, 'anshim_trades_total', { event: 'started' }),
      completed: sample(trades, 'anshim_trades_total', { event: 'completed' }),
      cancelled: sample(trades, 'anshim_trades_total', { event: 'cancelled' }),
      disputed: sample(trades, 'anshim_trades_total', { event: 'disputed' }),
    }).toEqual({ started: 2, completed: 1, cancelled: 1, disputed: 0 });

    // Released when payment hears of the completion (an event), so polled.
    expect(await reaches('payment', 'anshim_payments_total', { state: 'released' }, 1)).toBe(1);
    const payments = await metricsOf('payment');
    expect(sample(payments, 'anshim_payments_total', { state: 'held' })).toBe(1);
    expect(sample(payments, 'anshim_payments_total', { state: 'refunded' })).toBe(0);
  }, 600_000);

  it('counts a FRAUD report filed and accepted, and the accepted one as fraud stopped', async () => {
    const FILE = `mutation($input: FileReportInput!) { fileReport(input: $input) { id } }`;
    const input = { targetUserId: seller.id, type: 'FRAUD', description: '입금했는데 물건을 보내지 않고 연락이 끊겼어요.' };
    const filed = await waitFor('the report service to know the seller', async () => {
      const result = await call(FILE, { input }, buyer.token);
      if (codeOf(result.errors) === 'NOT_FOUND') return false;
      if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
      return result.data!.fileReport;
    }, 30_000);
    expect(sample(await metricsOf('report'), 'anshim_reports_total', { type: 'FRAUD', decision: 'filed' })).toBe(1);
    await ok(`mutation($id: ID!) { startReview(id: $id) { id } }`, { id: filed.id }, adminToken);
    await ok(`mutation($id: ID!, $input: ProcessReportInput!) { processReport(id: $id, input: $input) { id } }`, { id: filed.id, input: { decision: 'ACCEPT', resolution: '입금 내역 확인, 사기 인정' } }, adminToken);

    const reports = await metricsOf('report');
    expect(sample(reports, 'anshim_reports_total', { type: 'FRAUD', decision: 'accepted' })).toBe(1);
    expect(sample(reports, 'anshim_reports_total', { decision: 'dismissed' })).toBe(0);
    expect(sample(reports, 'anshim_fraud_stopped_total', { kind: 'accepted_fraud_report' })).toBe(1);
  }, 120_000);

  it('counts a masked chat message, the alert a fraudster\'s message raises, and a message held back from a restricted sender', async () => {
    const fraudster = await register('fraudster');
    const victim = await register('victim');
    const product = await listing(fraudster, '갤럭시 탭', 300_000);
    const conversation = await waitFor('chat to know the listing', async () => {
      const result = await call(`mutation($p: ID!) { startConversation(productId: $p) { id } }`, { p: product }, victim.token);
      return result.errors ? undefined : (result.data!.startConversation.id as string);
    }, 30_000);
    const SEND = `mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id masked } }`;
    expect((await ok(SEND, { id: conversation, text: '결제는 naverpay-safe.com 에서 해주세요' }, fraudster.token)).sendMessage.masked).toBe(true);
    expect((await ok(SEND, { id: conversation, text: '국민 일이삼사오육 칠팔 구공일이삼사 으로 선입금 주세요' }, fraudster.token)).sendMessage.masked).toBe(false);
    expect(sample(await metricsOf('chat'), 'anshim_fraud_stopped_total', { kind: 'masked_message' })).toBe(1);

    // chat.message_screened reaches the monitor through the outbox: a HIGH alert, counted by rule and level.
    await reaches('monitor', 'anshim_risk_alerts_total', { level: 'HIGH' }, 1);
    expect(await metricsOf('monitor')).toMatch(/^anshim_risk_alerts_total\{(?=[^}]*rule="[A-Z_]+")(?=[^}]*level="HIGH")[^}]*\} [1-9]/m);

    await ok(`mutation($input: RiskActionInput!) { takeRiskAction(input: $input) }`, { input: { userId: fraudster.id, action: 'RESTRICT_ACCOUNT', reason: '선입금 유도' } }, adminToken);
    await waitFor('chat to hold the restricted sender\'s message', async () => {
      const result = await call(SEND, { id: conversation, text: '아직 거기 계세요?' }, fraudster.token);
      return result.errors?.[0]?.extensions?.reason === 'SENDER_NOT_ALLOWED' ? true : undefined;
    }, 30_000);
    expect(sample(await metricsOf('chat'), 'anshim_fraud_stopped_total', { kind: 'held_message' })).toBe(1);
    expect(sample(await metricsOf('chat'), 'anshim_fraud_stopped_total', { kind: 'masked_message' })).toBe(1);
  }, 400_000);

  it('times the safety worker\'s recalculations and the lag from each event to its committed score', async () => {
    await reaches('safety-worker', 'anshim_safety_recalculation_seconds_count', {}, 5);
    const worker = await metricsOf('safety-worker');
    const recalculations = sample(worker, 'anshim_safety_recalculation_seconds_count');
    const lags = sample(worker, 'anshim_safety_recalculation_lag_seconds_count');
    expect(lags).toBe(recalculations);
    // Every event of this test happened within its run; a lag of minutes would be a wrong clock.
    expect(sample(worker, 'anshim_safety_recalculation_lag_seconds_sum') / lags).toBeLessThan(120);
    expect(sample(worker, 'anshim_safety_recalculation_seconds_sum') / recalculations).toBeGreaterThan(0);
  }, 120_000);
});
