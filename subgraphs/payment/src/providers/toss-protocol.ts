// The Toss Payments protocol (https://docs.tosspayments.com/reference): create
// (POST /v1/payments, answering a checkout URL), confirm (POST /v1/payments/confirm), cancel
// (POST /v1/payments/{paymentKey}/cancel), read (GET /v1/payments/{paymentKey}), the transactions
// lookup a reconciliation reads (GET /v1/transactions, cursor-paged); HTTP Basic auth with
// the secret key as user and an empty password; an `Idempotency-Key` header on every POST; errors
// as `{ code, message }`. The `tosspayments` provider speaks it to Toss; the `sandbox` provider
// speaks it to the local sandbox process (sandbox/), which implements the same protocol.
// Each call has a timeout, retries (safe: the idempotency key makes a repeat a no-op) and a breaker.
import { resilient } from '@anshim/platform';
import {
  PROVIDER_PAYMENT_STATUSES,
  ProviderRefusedError,
  WebhookRejectedError,
  type CreatePaymentInput,
  type PaymentProvider,
  type ProviderPayment,
  type ProviderTransaction,
  type WebhookNotice,
} from './provider.ts';
import { verifyWebhookSignature } from './webhook-signature.ts';

export interface TossProtocolOptions {
  /** `sandbox` or `tosspayments`: stored with each payment. */
  name: string;
  /** https://api.tosspayments.com, or the sandbox's URL. */
  baseUrl: string;
  secretKey: string;
  /**
   * The security key webhooks are signed with. Toss signs only some event types, so with Toss the
   * payment service never acts on a webhook's payload: it reads the payment back by key (`get`).
   */
  webhookKey: string | null;
  /** Refuse unsigned webhooks (the sandbox signs every one). */
  requireSignedWebhooks: boolean;
  webhookMaxAgeMs: number;
  timeoutMs: number;
  attempts: number;
}

interface TossPaymentBody {
  paymentKey?: unknown;
  orderId?: unknown;
  status?: unknown;
  totalAmount?: unknown;
  balanceAmount?: unknown;
  approvedAt?: unknown;
  checkout?: { url?: unknown } | null;
}

function toPayment(body: TossPaymentBody): ProviderPayment {
  const status = String(body.status);
  if (typeof body.paymentKey !== 'string' || typeof body.orderId !== 'string' || !(PROVIDER_PAYMENT_STATUSES as readonly string[]).includes(status)) {
    throw new ProviderRefusedError(502, 'MALFORMED_RESPONSE', 'the provider answered without a payment');
  }
  return {
    paymentKey: body.paymentKey,
    orderId: body.orderId,
    status: status as ProviderPayment['status'],
    totalAmount: Number(body.totalAmount),
    balanceAmount: Number(body.balanceAmount ?? body.totalAmount),
    approvedAt: typeof body.approvedAt === 'string' ? body.approvedAt : null,
    checkoutUrl: typeof body.checkout?.url === 'string' ? body.checkout.url : null,
  };
}

function toTransaction(body: Record<string, unknown>): ProviderTransaction {
  const status = String(body.status);
  if (typeof body.transactionKey !== 'string' || typeof body.paymentKey !== 'string' || typeof body.orderId !== 'string' || !(PROVIDER_PAYMENT_STATUSES as readonly string[]).includes(status)) {
    throw new ProviderRefusedError(502, 'MALFORMED_RESPONSE', 'the provider answered without a transaction');
  }
  return { transactionKey: body.transactionKey, paymentKey: body.paymentKey, orderId: body.orderId, status: status as ProviderTransaction['status'], transactionAt: String(body.transactionAt), amount: Number(body.amount) };
}

function toTransactions(body: unknown): ProviderTransaction[] {
  if (!Array.isArray(body)) throw new ProviderRefusedError(502, 'MALFORMED_RESPONSE', 'the provider answered without a list of transactions');
  return body.map((item) => toTransaction(item as Record<string, unknown>));
}

/** 4xx refusals are answers (a wrong amount, an unknown payment): never retried, never trip the breaker. */
const isAnswer = (error: unknown) => error instanceof ProviderRefusedError && error.status >= 400 && error.status < 500 && error.status !== 429;

export function tossProtocolProvider(options: TossProtocolOptions): PaymentProvider {
  const authorization = `Basic ${Buffer.from(`${options.secretKey}:`).toString('base64')}`;

  async function request(method: 'GET' | 'POST', path: string, body?: unknown, idempotencyKey?: string): Promise<unknown> {
    const response = await fetch(new URL(path, options.baseUrl), {
      method,
      headers: {
        authorization,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      throw new ProviderRefusedError(response.status >= 400 ? response.status : 502, 'MALFORMED_RESPONSE', text.slice(0, 200));
    }
    if (!response.ok) throw new ProviderRefusedError(response.status, String(parsed.code ?? 'UNKNOWN'), String(parsed.message ?? response.statusText));
    return parsed;
  }

  const call = async (method: 'GET' | 'POST', path: string, body?: unknown, idempotencyKey?: string): Promise<ProviderPayment> =>
    toPayment((await request(method, path, body, idempotencyKey)) as TossPaymentBody);
  const send = resilient(call, { name: `payment-provider:${options.name}`, timeoutMs: options.timeoutMs + 500, attempts: options.attempts, backoffMs: 200, isAnswer });

  // A read (GET), safe to retry; its own breaker, so a slow listing in a reconciliation never trips the payment calls'.
  const list = resilient(async (path: string) => toTransactions(await request('GET', path)), { name: `payment-provider:${options.name}:transactions`, timeoutMs: options.timeoutMs + 500, attempts: options.attempts, backoffMs: 200, isAnswer });

  return {
    name: options.name,
    create: (input: CreatePaymentInput) =>
      send('POST', '/v1/payments', { method: 'CARD', amount: input.amount, orderId: input.orderId, orderName: input.orderName, successUrl: input.successUrl, failUrl: input.failUrl }, `${input.orderId}:create`),
    confirm: ({ paymentKey, orderId, amount }) => send('POST', '/v1/payments/confirm', { paymentKey, orderId, amount }, `${orderId}:confirm`),
    cancel: ({ paymentKey, orderId, reason }) => send('POST', `/v1/payments/${encodeURIComponent(paymentKey)}/cancel`, { cancelReason: reason }, `${orderId}:cancel`),
    get: (paymentKey: string) => send('GET', `/v1/payments/${encodeURIComponent(paymentKey)}`),
    transactions: ({ from, to, startingAfter, limit }) => {
      const query = new URLSearchParams({ startDate: from.toISOString(), endDate: to.toISOString(), limit: String(limit ?? 1_000), ...(startingAfter ? { startingAfter } : {}) });
      return list(`/v1/transactions?${query}`);
    },
    verifyWebhook(request): WebhookNotice {
      const signed = request.headers['tosspayments-webhook-signature'] !== undefined;
      if (signed || options.requireSignedWebhooks) {
        if (!options.webhookKey) throw new WebhookRejectedError('MISSING_SIGNATURE');
        verifyWebhookSignature(request, options.webhookKey, options.webhookMaxAgeMs);
      }
      let body: { eventType?: unknown; data?: { paymentKey?: unknown; orderId?: unknown } };
      try {
        body = JSON.parse(request.rawBody) as typeof body;
      } catch {
        throw new WebhookRejectedError('MALFORMED');
      }
      const { eventType, data } = body;
      if (typeof eventType !== 'string' || typeof data?.paymentKey !== 'string' || typeof data.orderId !== 'string') throw new WebhookRejectedError('MALFORMED');
      return { eventType, paymentKey: data.paymentKey, orderId: data.orderId };
    },
  };
}
