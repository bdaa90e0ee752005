// The sandbox provider's bookkeeping, pure and in memory (a development provider: restarting it
// forgets unfinished checkouts, as a real provider's test mode may). It follows Toss Payments'
// payment lifecycle: READY (created) → IN_PROGRESS (the buyer authorised at checkout) → DONE
// (the merchant confirmed) → CANCELED; READY/IN_PROGRESS → ABORTED when the buyer gives up.
import { createHash, randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '@anshim/platform';

export interface SandboxPayment {
  paymentKey: string;
  orderId: string;
  orderName: string;
  method: string;
  status: 'READY' | 'IN_PROGRESS' | 'DONE' | 'CANCELED' | 'PARTIAL_CANCELED' | 'ABORTED';
  totalAmount: number;
  balanceAmount: number;
  successUrl: string;
  failUrl: string;
  requestedAt: string;
  approvedAt: string | null;
  cancels: Array<{ cancelAmount: number; cancelReason: string; canceledAt: string }>;
}

/** One money movement as Toss's transactions lookup lists it: the approval, then each cancellation. */
export interface SandboxTransaction {
  transactionKey: string;
  paymentKey: string;
  orderId: string;
  method: string;
  status: 'DONE' | 'CANCELED' | 'PARTIAL_CANCELED';
  transactionAt: string;
  amount: number;
}

// Stable per movement, so a cursor (startingAfter) stays valid between pages.
const transactionKeyOf = (paymentKey: string, movement: string) => createHash('sha256').update(`${paymentKey}:${movement}`).digest('hex').slice(0, 32).toUpperCase();

/** A refusal in Toss's shape: HTTP status plus `{ code, message }`. */
export class SandboxRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class SandboxLedger {
  private readonly byKey = new Map<string, SandboxPayment>();
  private readonly byOrder = new Map<string, SandboxPayment>();
  /** Idempotency-Key → the request it was first used for and the answer given (replayed on repeats). */
  private readonly answers = new Map<string, { request: string; answer: SandboxPayment }>();

  constructor(private readonly now: Clock = systemClock) {}

  /** Runs `work` once per idempotency key; a repeat with the same body gets the first answer, another body a 422. */
  idempotent(key: string | undefined, request: unknown, work: () => SandboxPayment): SandboxPayment {
    if (!key) return work();
    if (key.length > 300) throw new SandboxRefusal(400, 'INVALID_REQUEST', 'Idempotency-Key is longer than 300 characters.');
    const fingerprint = JSON.stringify(request);
    const seen = this.answers.get(key);
    if (seen) {
      if (seen.request !== fingerprint) throw new SandboxRefusal(422, 'IDEMPOTENT_REQUEST_PROCESSING', 'This Idempotency-Key was used for another request.');
      return structuredClone(seen.answer);
    }
    const answer = work();
    this.answers.set(key, { request: fingerprint, answer: structuredClone(answer) });
    return answer;
  }

  create(input: { orderId: string; orderName: string; amount: number; method: string; successUrl: string; failUrl: string }): SandboxPayment {
    if (!input.orderId || input.orderId.length > 64) throw new SandboxRefusal(400, 'INVALID_REQUEST', 'orderId must be 1–64 characters.');
    if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw new SandboxRefusal(400, 'INVALID_REQUEST', 'amount must be a positive whole number.');
    if (this.byOrder.has(input.orderId)) throw new SandboxRefusal(400, 'DUPLICATED_ORDER_ID', 'This orderId was used already.');
    const payment: SandboxPayment = {
      paymentKey: `sandbox_${randomBytes(12).toString('hex')}`,
      orderId: input.orderId,
      orderName: input.orderName,
      method: input.method,
      status: 'READY',
      totalAmount: input.amount,
      balanceAmount: input.amount,
      successUrl: input.successUrl,
      failUrl: input.failUrl,
      requestedAt: this.now().toISOString(),
      approvedAt: null,
      cancels: [],
    };
    this.byKey.set(payment.paymentKey, payment);
    this.byOrder.set(payment.orderId, payment);
    return structuredClone(payment);
  }

  get(paymentKey: string): SandboxPayment {
    const payment = this.byKey.get(paymentKey);
    if (!payment) throw new SandboxRefusal(404, 'NOT_FOUND_PAYMENT', 'No such payment.');
    return structuredClone(payment);
  }

  /** The buyer's answer at checkout. */
  checkout(paymentKey: string, action: 'pay' | 'abort'): SandboxPayment {
    const payment = this.mutable(paymentKey);
    if (payment.status !== 'READY') throw new SandboxRefusal(400, 'ALREADY_PROCESSED_PAYMENT', 'This checkout is finished.');
    payment.status = action === 'pay' ? 'IN_PROGRESS' : 'ABORTED';
    return structuredClone(payment);
  }

  confirm(input: { paymentKey: string; orderId: string; amount: number }): SandboxPayment {
    const payment = this.mutable(input.paymentKey);
    if (payment.orderId !== input.orderId) throw new SandboxRefusal(404, 'NOT_FOUND_PAYMENT', 'No such payment for this orderId.');
    if (payment.totalAmount !== input.amount) throw new SandboxRefusal(400, 'NOT_MATCHES_AMOUNT', 'The amount differs from the checkout.');
    if (payment.status === 'DONE' || payment.status === 'CANCELED' || payment.status === 'PARTIAL_CANCELED') throw new SandboxRefusal(400, 'ALREADY_PROCESSED_PAYMENT', 'This payment was confirmed already.');
    if (payment.status !== 'IN_PROGRESS') throw new SandboxRefusal(403, 'NOT_AUTHORIZED_PAYMENT', 'The buyer has not authorised this payment.');
    payment.status = 'DONE';
    payment.approvedAt = this.now().toISOString();
    return structuredClone(payment);
  }

  /** Cancels the whole balance, or `amount` of it (Toss's partial cancellation: PARTIAL_CANCELED until nothing is left). */
  cancel(paymentKey: string, reason: string, amount?: number): SandboxPayment {
    const payment = this.mutable(paymentKey);
    if (!reason) throw new SandboxRefusal(400, 'INVALID_REQUEST', 'cancelReason is required.');
    if (payment.status !== 'DONE' && payment.status !== 'PARTIAL_CANCELED') throw new SandboxRefusal(403, 'NOT_CANCELABLE_PAYMENT', 'Only a confirmed payment can be cancelled.');
    const cancelAmount = amount ?? payment.balanceAmount;
    if (!Number.isSafeInteger(cancelAmount) || cancelAmount <= 0 || cancelAmount > payment.balanceAmount) throw new SandboxRefusal(400, 'INVALID_REQUEST', 'cancelAmount must be a positive whole number up to the balance.');
    payment.cancels.push({ cancelAmount, cancelReason: reason, canceledAt: this.now().toISOString() });
    payment.balanceAmount -= cancelAmount;
    payment.status = payment.balanceAmount === 0 ? 'CANCELED' : 'PARTIAL_CANCELED';
    return structuredClone(payment);
  }

  /** Every payment with an activity in [from, to): what a reconciliation compares against. */
  transactions(from: Date, to: Date): SandboxPayment[] {
    return [...this.byKey.values()]
      .filter((payment) => {
        const at = Date.parse(payment.cancels.at(-1)?.canceledAt ?? payment.approvedAt ?? payment.requestedAt);
        return at >= from.getTime() && at < to.getTime();
      })
      .map((payment) => structuredClone(payment));
  }

  /**
   * GET /v1/transactions: every approval and cancellation with transactionAt in [from, to), oldest
   * first, `limit` of them after the `startingAfter` cursor (a transactionKey), as Toss pages them.
   */
  transactionLog(from: Date, to: Date, page: { startingAfter?: string; limit?: number } = {}): SandboxTransaction[] {
    const all: SandboxTransaction[] = [];
    for (const payment of this.byKey.values()) {
      if (!payment.approvedAt) continue;
      const base = { paymentKey: payment.paymentKey, orderId: payment.orderId, method: payment.method };
      all.push({ ...base, transactionKey: transactionKeyOf(payment.paymentKey, 'approve'), status: 'DONE', transactionAt: payment.approvedAt, amount: payment.totalAmount });
      let left = payment.totalAmount;
      payment.cancels.forEach((cancel, i) => {
        left -= cancel.cancelAmount;
        const status = left === 0 ? 'CANCELED' : 'PARTIAL_CANCELED';
        all.push({ ...base, transactionKey: transactionKeyOf(payment.paymentKey, `cancel:${i}`), status, transactionAt: cancel.canceledAt, amount: cancel.cancelAmount });
      });
    }
    const inRange = all
      .filter((t) => Date.parse(t.transactionAt) >= from.getTime() && Date.parse(t.transactionAt) < to.getTime())
      .sort((a, b) => a.transactionAt.localeCompare(b.transactionAt) || a.transactionKey.localeCompare(b.transactionKey));
    const after = page.startingAfter ? inRange.findIndex((t) => t.transactionKey === page.startingAfter) + 1 : 0;
    return inRange.slice(after, after + (page.limit ?? 100));
  }

  private mutable(paymentKey: string): SandboxPayment {
    const payment = this.byKey.get(paymentKey);
    if (!payment) throw new SandboxRefusal(404, 'NOT_FOUND_PAYMENT', 'No such payment.');
    return payment;
  }
}
