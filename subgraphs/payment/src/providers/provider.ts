// Payment providers behind one interface. Every call that changes something carries an
// idempotency key (our order id plus the operation), so a retry after a timeout can never charge
// or refund twice; webhooks are verified before anything is believed (webhook-signature.ts), and
// what we act on is always the provider's own record of the payment, fetched by key.

/** The provider's view of a payment (Toss Payments' Payment object, the fields we rely on). */
export interface ProviderPayment {
  paymentKey: string;
  orderId: string;
  /** READY → IN_PROGRESS → DONE | CANCELED | PARTIAL_CANCELED | ABORTED | EXPIRED (Toss's names). */
  status: ProviderPaymentStatus;
  totalAmount: number;
  /** What is left after cancellations. */
  balanceAmount: number;
  approvedAt: string | null;
  /** The checkout page, while the payment waits for the buyer. */
  checkoutUrl: string | null;
}

export const PROVIDER_PAYMENT_STATUSES = ['READY', 'IN_PROGRESS', 'WAITING_FOR_DEPOSIT', 'DONE', 'CANCELED', 'PARTIAL_CANCELED', 'ABORTED', 'EXPIRED'] as const;
export type ProviderPaymentStatus = (typeof PROVIDER_PAYMENT_STATUSES)[number];

export interface CreatePaymentInput {
  orderId: string;
  /** Whole won. */
  amount: number;
  /** What the buyer sees on the checkout page (the listing's title). */
  orderName: string;
  /** Where the checkout page sends the buyer afterwards (query: paymentKey, orderId, amount / code, message). */
  successUrl: string;
  failUrl: string;
}

/** A verified webhook: which payment changed. Its payload is never trusted beyond this. */
export interface WebhookNotice {
  eventType: string;
  paymentKey: string;
  orderId: string;
}

/** One money movement at the provider (Toss's Transaction object): an approval or a cancellation. */
export interface ProviderTransaction {
  transactionKey: string;
  paymentKey: string;
  orderId: string;
  /** DONE for an approval; CANCELED / PARTIAL_CANCELED for a cancellation (the payment's status after it). */
  status: ProviderPaymentStatus;
  transactionAt: string;
  /** Whole won moved by this transaction (the approved or the cancelled amount). */
  amount: number;
}

export interface TransactionsQuery {
  from: Date;
  to: Date;
  /** The cursor: the last transactionKey of the previous page. */
  startingAfter?: string;
  limit?: number;
}

export interface PaymentProvider {
  readonly name: string;
  create(input: CreatePaymentInput): Promise<ProviderPayment>;
  /** Approves a payment the buyer authorised at checkout; the amount must be the one we expect. */
  confirm(input: { paymentKey: string; orderId: string; amount: number }): Promise<ProviderPayment>;
  cancel(input: { paymentKey: string; orderId: string; reason: string }): Promise<ProviderPayment>;
  get(paymentKey: string): Promise<ProviderPayment>;
  /** One page of the provider's transactions in [from, to), oldest first (Toss: GET /v1/transactions). */
  transactions(query: TransactionsQuery): Promise<ProviderTransaction[]>;
  /** Throws WebhookRejectedError unless the request really comes from the provider and is fresh. */
  verifyWebhook(request: { headers: Record<string, string | string[] | undefined>; rawBody: string; now: Date }): WebhookNotice;
}

/** The provider answered with a refusal (Toss: an error object with `code` and `message`). */
export class ProviderRefusedError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`provider refused (${status} ${code}): ${message}`);
    this.name = 'ProviderRefusedError';
  }
}

export class WebhookRejectedError extends Error {
  constructor(readonly reason: 'MISSING_SIGNATURE' | 'BAD_SIGNATURE' | 'STALE' | 'MALFORMED') {
    super(`webhook rejected: ${reason}`);
    this.name = 'WebhookRejectedError';
  }
}
