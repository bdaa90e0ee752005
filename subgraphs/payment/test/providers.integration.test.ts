// The Toss-protocol adapter against the sandbox provider over real HTTP: the full checkout a
// script can complete, idempotent retries, refusals that are answers, timeouts, and webhooks that
// are believed only when signed and fresh.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CircuitOpenError } from '@anshim/platform';
import { ProviderRefusedError, WebhookRejectedError, type PaymentProvider } from '../src/providers/provider.ts';
import { tossProtocolProvider } from '../src/providers/toss-protocol.ts';
import { signWebhook } from '../src/providers/webhook-signature.ts';
import { startSandbox, type SandboxHandle } from '../src/sandbox/sandbox-server.ts';

const SECRET = 'test_sk_sandbox';
const WEBHOOK_KEY = 'sandbox-webhook-key';
let sandbox: SandboxHandle;
let receiver: Server;
const received: Array<{ headers: Record<string, string | string[] | undefined>; rawBody: string }> = [];

function provider(overrides: Partial<Parameters<typeof tossProtocolProvider>[0]> = {}): PaymentProvider {
  return tossProtocolProvider({
    name: 'sandbox',
    baseUrl: sandbox.url,
    secretKey: SECRET,
    webhookKey: WEBHOOK_KEY,
    requireSignedWebhooks: true,
    webhookMaxAgeMs: 5 * 60_000,
    timeoutMs: 2_000,
    attempts: 3,
    ...overrides,
  });
}

async function waitFor(check: () => boolean, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Creates a payment and completes its checkout the way a script can: one form POST, following nothing. */
async function paidCheckout(payments: PaymentProvider, amount = 45_000) {
  const orderId = `order-${randomUUID()}`;
  const created = await payments.create({ orderId, amount, orderName: '유모차', successUrl: 'http://app.example/pay/success', failUrl: 'http://app.example/pay/fail' });
  const page = await fetch(created.checkoutUrl!);
  expect(await page.text()).toContain('45,000원');
  const answer = await fetch(created.checkoutUrl!, { method: 'POST', body: new URLSearchParams({ action: 'pay' }), redirect: 'manual' });
  expect(answer.status).toBe(303);
  const back = new URL(answer.headers.get('location')!);
  expect(back.origin + back.pathname).toBe('http://app.example/pay/success');
  return { orderId, paymentKey: back.searchParams.get('paymentKey')!, amount: Number(back.searchParams.get('amount')) };
}

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let rawBody = '';
    request.on('data', (chunk) => (rawBody += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, rawBody });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  sandbox = await startSandbox({ port: 0, secretKey: SECRET, webhookKey: WEBHOOK_KEY, webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhook` });
});
afterAll(async () => {
  await sandbox.close();
  await new Promise((resolve) => receiver.close(resolve));
});

describe('toss protocol against the sandbox', () => {
  it('create → checkout by plain HTTP → confirm → signed webhook → cancel', async () => {
    const payments = provider();
    const { orderId, paymentKey, amount } = await paidCheckout(payments);
    const before = received.length;
    const confirmed = await payments.confirm({ paymentKey, orderId, amount });
    expect(confirmed).toMatchObject({ status: 'DONE', totalAmount: 45_000, orderId });
    // A retry of the same confirmation (our timeout fired, the provider had answered) is the same answer, not an error.
    expect(await payments.confirm({ paymentKey, orderId, amount })).toMatchObject({ status: 'DONE' });
    await waitFor(() => received.length > before);
    const webhook = received.at(-1)!;
    expect(payments.verifyWebhook({ ...webhook, now: new Date() })).toEqual({ eventType: 'PAYMENT_STATUS_CHANGED', paymentKey, orderId });
    expect(received.length).toBe(before + 1);
    expect(await payments.cancel({ paymentKey, orderId, reason: '거래 취소' })).toMatchObject({ status: 'CANCELED', balanceAmount: 0 });
    expect((await payments.get(paymentKey)).status).toBe('CANCELED');
  });

  it('a wrong amount is an answer: refused at once, not retried, the payment unconfirmed', async () => {
    const payments = provider();
    const { orderId, paymentKey } = await paidCheckout(payments);
    await expect(payments.confirm({ paymentKey, orderId, amount: 1 })).rejects.toMatchObject({ code: 'NOT_MATCHES_AMOUNT', status: 400 });
    expect((await payments.get(paymentKey)).status).toBe('IN_PROGRESS');
  });

  it('a provider error is retried with the same idempotency key and confirms once', async () => {
    const payments = provider();
    const { orderId, paymentKey, amount } = await paidCheckout(payments);
    sandbox.switches.failConfirms = 2;
    expect(await payments.confirm({ paymentKey, orderId, amount })).toMatchObject({ status: 'DONE' });
    expect(sandbox.switches.failConfirms).toBe(0);
  });

  it('a provider that does not answer in time fails the call (no hanging request)', async () => {
    const payments = provider({ name: 'slow', timeoutMs: 200, attempts: 1 });
    const { orderId, paymentKey, amount } = await paidCheckout(payments);
    sandbox.switches.confirmDelayMs = 1_000;
    try {
      await expect(payments.confirm({ paymentKey, orderId, amount })).rejects.toThrow(/timeout/i);
    } finally {
      sandbox.switches.confirmDelayMs = 0;
    }
  });

  it('a provider failing again and again trips the breaker: further calls fail fast without reaching it', async () => {
    const payments = provider({ name: 'failing', attempts: 1 });
    const { orderId, paymentKey, amount } = await paidCheckout(payments);
    sandbox.switches.failConfirms = 100;
    try {
      const errors: unknown[] = [];
      while (errors.length < 10 && !(errors.at(-1) instanceof CircuitOpenError)) errors.push(await payments.confirm({ paymentKey, orderId, amount }).catch((e: unknown) => e));
      // It opens once five calls were made (the create among them) and half failed: the failure that
      // opens it is answered as CircuitOpenError already.
      expect(errors.at(-1)).toBeInstanceOf(CircuitOpenError);
      expect(errors.slice(0, -1).every((e) => e instanceof ProviderRefusedError && e.code === 'PROVIDER_ERROR')).toBe(true);
      expect(100 - sandbox.switches.failConfirms).toBeLessThanOrEqual(5);
      // While open, nothing reaches the provider: a read fails fast too, and the payment stays unconfirmed.
      const reached = sandbox.switches.failConfirms;
      await expect(payments.confirm({ paymentKey, orderId, amount })).rejects.toBeInstanceOf(CircuitOpenError);
      await expect(payments.get(paymentKey)).rejects.toBeInstanceOf(CircuitOpenError);
      expect(sandbox.switches.failConfirms).toBe(reached);
      expect(sandbox.ledger.get(paymentKey).status).toBe('IN_PROGRESS');
    } finally {
      sandbox.switches.failConfirms = 0;
    }
  });

  it('refuses a wrong secret key with the provider\'s own code', async () => {
    const payments = provider({ name: 'wrong-key', secretKey: 'test_sk_wrong' });
    const error = await payments.create({ orderId: `o-${randomUUID()}`, amount: 1_000, orderName: 'x', successUrl: 'http://a/s', failUrl: 'http://a/f' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderRefusedError);
    expect(error).toMatchObject({ status: 401, code: 'UNAUTHORIZED_KEY' });
  });

  it('sends every webhook twice when asked to (duplicates must be harmless downstream)', async () => {
    const payments = provider();
    const { orderId, paymentKey, amount } = await paidCheckout(payments);
    sandbox.switches.duplicateWebhooks = true;
    const before = received.length;
    try {
      await payments.confirm({ paymentKey, orderId, amount });
      await waitFor(() => received.length >= before + 2);
    } finally {
      sandbox.switches.duplicateWebhooks = false;
    }
    expect(received.slice(before).map((webhook) => JSON.parse(webhook.rawBody).data.paymentKey)).toEqual([paymentKey, paymentKey]);
  });
});

describe('webhook verification', () => {
  const body = JSON.stringify({ eventType: 'PAYMENT_STATUS_CHANGED', createdAt: new Date().toISOString(), data: { paymentKey: 'k1', orderId: 'o1', status: 'DONE' } });

  it('refuses a forged signature, a replay and an unsigned webhook', () => {
    const payments = provider();
    const now = new Date();
    const forged = signWebhook(['not-the-key'], body, now.toISOString());
    expect(() => payments.verifyWebhook({ headers: forged, rawBody: body, now })).toThrow(expect.objectContaining({ reason: 'BAD_SIGNATURE' }));
    const tampered = signWebhook([WEBHOOK_KEY], body, now.toISOString());
    expect(() => payments.verifyWebhook({ headers: tampered, rawBody: body.replace('DONE', 'CANCELED'), now })).toThrow(expect.objectContaining({ reason: 'BAD_SIGNATURE' }));
    const old = new Date(now.getTime() - 10 * 60_000).toISOString();
    expect(() => payments.verifyWebhook({ headers: signWebhook([WEBHOOK_KEY], body, old), rawBody: body, now })).toThrow(expect.objectContaining({ reason: 'STALE' }));
    expect(() => payments.verifyWebhook({ headers: {}, rawBody: body, now })).toThrow(WebhookRejectedError);
  });

  it('accepts any one valid signature among several (key rotation)', () => {
    const now = new Date();
    const headers = signWebhook(['old-key', WEBHOOK_KEY], body, now.toISOString());
    expect(provider().verifyWebhook({ headers, rawBody: body, now })).toMatchObject({ paymentKey: 'k1' });
  });

  it('with Toss, an unsigned payment webhook is only a notice (the service reads the payment back before acting)', () => {
    const toss = provider({ name: 'tosspayments', requireSignedWebhooks: false });
    expect(toss.verifyWebhook({ headers: {}, rawBody: body, now: new Date() })).toEqual({ eventType: 'PAYMENT_STATUS_CHANGED', paymentKey: 'k1', orderId: 'o1' });
    expect(() => toss.verifyWebhook({ headers: {}, rawBody: '{"eventType":1}', now: new Date() })).toThrow(expect.objectContaining({ reason: 'MALFORMED' }));
  });
});
