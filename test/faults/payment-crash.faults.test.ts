// Safe payment under the faults issue 19 names, with the payment service as a real process, its
// own PostgreSQL and Redis, and the sandbox provider over HTTP:
// - the payment process killed with -9 after the provider confirmed a payment and before we wrote
//   it (the provider's answer is held at a tap until the kill), webhooks lost too: after a restart
//   the settle job reads the checkout back and holds it, once;
// - PostgreSQL stopped at the same moment (the answer arrives while it is down, and so does the
//   provider's webhook): the process survives, the buyer is told "pending", and once PostgreSQL is
//   back the provider's webhook retry (or the settle job) holds it, once.
// After each: the money is held exactly once (one HOLD entry, one HELD history row, one
// payment.held event), the ledger sums to zero, and the reconciliation finds no difference.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultStack } from './support/fault-stack.ts';
import { waitUntil } from './support/free-port.ts';
import { PAYMENT_KEYS, PaymentFlow } from './support/payment-flow.ts';

let stack: FaultStack;
let flow: PaymentFlow;
const paymentUrl = () => {
  const running = stack.processes.get('payment');
  return running && running.child.exitCode === null && running.child.signalCode === null ? `http://127.0.0.1:${running.port}` : null;
};

beforeAll(async () => {
  // Nothing starts before the stack's PostgreSQL and Redis are up: the flow's URLs go into the payment's env.
  stack = new FaultStack({ subgraphs: [], gateway: false });
  await stack.up();
  flow = await new PaymentFlow({ secret: () => stack.env.INTERNAL_SECRET!, paymentUrl, databaseUrl: stack.databaseUrl, redis: { url: stack.redis.url, prefix: stack.env.REDIS_PREFIX! } }).start();
  Object.assign(stack.env, {
    ...PAYMENT_KEYS,
    PAYMENT_PROVIDER_URL: flow.providerUrl,
    PAYMENT_PUBLIC_URL: flow.gatewayUrl,
    PAYMENT_APP_RETURN_URL: `${flow.gatewayUrl}/payments/done`,
    PAYMENT_SETTLE_EVERY_SECONDS: '1',
    PAYMENT_PROVIDER_TIMEOUT_MS: '3000',
  });
  await stack.startSubgraph('payment');
});
afterAll(async () => {
  await flow?.stop();
  await stack?.stop();
});

async function heldOnce(paymentId: string, what: string, timeoutMs: number) {
  const booked = await waitUntil(() => flow.booked(paymentId).catch(() => null), (b) => b?.status === 'HELD', timeoutMs, what, 250);
  expect(booked).toEqual({ status: 'HELD', holds: 1, heldChanges: 1, heldEvents: 1 });
}

async function booksAgree() {
  const report = await flow.reconcile();
  expect(report.differences).toEqual([]);
  expect(report.ledger.trialBalance).toBe(0);
}

describe('the payment process killed between the provider\'s confirmation and our write', () => {
  it('after a restart the settle job holds the payment exactly once', async () => {
    const { paymentId, back } = await flow.startAndPay(48_000);
    flow.sandbox.switches.dropWebhooks = true;
    const held = flow.holdNextConfirm();
    const browser = fetch(`${flow.gatewayUrl}${back.pathname}${back.search}`, { redirect: 'manual' }).catch(() => null);
    await held.confirmed;
    const payment = stack.process('payment');
    payment.child.kill('SIGKILL');
    await payment.stop();
    held.drop();
    expect((await browser)?.status ?? 502).toBe(502);

    // The provider has the money; we have nothing booked.
    expect(flow.sandbox.ledger.get(back.searchParams.get('paymentKey')!).status).toBe('DONE');
    expect(await flow.booked(paymentId)).toEqual({ status: 'AWAITING_PAYMENT', holds: 0, heldChanges: 0, heldEvents: 0 });
    const before = await flow.reconcile();
    expect(before.differences.map((d) => [d.kind, d.paymentId, d.settleRepairs])).toEqual([['PAID_NOT_HELD', paymentId, true]]);

    // Time passes beyond the checkout's grace (the settle job leaves younger checkouts to the buyer).
    await flow.sql.query(`UPDATE payments SET updated_at = now() - interval '5 minutes' WHERE id = $1`, [paymentId]);
    await stack.startSubgraph('payment');
    await heldOnce(paymentId, 'the settle job to hold the payment', 60_000);
    flow.sandbox.switches.dropWebhooks = false;
    await booksAgree();
  });
});

describe('PostgreSQL stopped between the provider\'s confirmation and our write', () => {
  it('the process survives, the buyer hears "pending", and the payment is held exactly once once it is back', async () => {
    const { paymentId, back } = await flow.startAndPay(61_000);
    const pid = stack.process('payment').child.pid;
    const held = flow.holdNextConfirm();
    const browser = fetch(`${flow.gatewayUrl}${back.pathname}${back.search}`, { redirect: 'manual' });
    await held.confirmed;
    stack.postgres.stop('immediate');
    held.release();
    const landed = await browser;
    expect(landed.status).toBe(303);
    expect(new URL(landed.headers.get('location')!).searchParams.get('status')).toBe('PENDING');
    await stack.postgres.start();

    await heldOnce(paymentId, 'the webhook retry or the settle job to hold the payment', 120_000);
    expect(stack.alive().payment, stack.logs()).toBe(true);
    expect(stack.process('payment').child.pid, 'the same process, not restarted').toBe(pid);
    await booksAgree();
  });
});
