// The reconciliation's rules, pure: given what the provider says moved (its transactions, read
// back per order) and what we booked (payments and their ledger entries), list every difference.
// Our side is judged by its ledger movements, not its status alone: the ledger is what says money
// was collected (HOLD) and given back (REFUND_RETURNED); the status must agree with the ledger too.
// Each difference says whether the settle job repairs it on its own or a person must look.
import type { PaymentStatus } from '../model.ts';
import type { EntryKind } from '../ledger/postings.ts';

/** The provider's record of one order, from its transactions (or one read of the payment). */
export interface ProviderOrder {
  orderId: string;
  paymentKey: string;
  /** Approved at the provider (whole won). */
  approved: number;
  /** Cancelled (given back) at the provider. */
  cancelled: number;
}

export interface OurPayment {
  id: string;
  orderId: string;
  providerPaymentKey: string | null;
  status: PaymentStatus;
  amount: number;
  /** Ledger movements booked for it (at most one of each kind: a unique key). */
  movements: EntryKind[];
  /** Entries whose postings do not sum to zero (the database refuses them; checked anyway). */
  unbalancedEntries: number;
  /** The payment's ESCROW_HELD balance (debit-positive: −amount while held, 0 once released or refunded). */
  escrowBalance: number;
}

export const DIFFERENCE_KINDS = {
  UNKNOWN_ORDER: 'the provider collected money for an order we have no payment for',
  PAID_NOT_HELD: 'the provider approved the payment but our ledger has no HOLD',
  MISSING_AT_PROVIDER: 'our ledger holds money the provider has no approval for',
  AMOUNT_MISMATCH: 'the provider approved a different amount than the payment',
  PARTIALLY_CANCELLED: 'the provider cancelled part of money we still count as collected',
  CANCELLED_AT_PROVIDER: 'we count the money as collected, the provider says it was cancelled',
  REFUND_NOT_RETURNED: 'refunded here, still approved at the provider (the settle job returns it)',
  REFUND_NOT_BOOKED: 'cancelled at the provider, the REFUND_RETURNED entry is missing (the settle job books it)',
  RETURNED_NOT_CANCELLED: 'our ledger says the money went back, the provider still holds some',
  STATUS_LEDGER_MISMATCH: 'the payment\'s status does not match its ledger movements',
  ESCROW_BALANCE: 'the payment\'s escrow account does not hold what its status says',
  ENTRY_UNBALANCED: 'a ledger entry whose postings do not sum to zero',
  LEDGER_UNBALANCED: 'the ledger as a whole does not sum to zero',
} as const;
export type DifferenceKind = keyof typeof DIFFERENCE_KINDS;

export interface Difference {
  kind: DifferenceKind;
  orderId: string | null;
  paymentId: string | null;
  paymentKey: string | null;
  /** What we booked / what the provider says, in a few words each. */
  ours: string;
  provider: string;
  /** True when the settle job repairs it by itself on its next pass. */
  settleRepairs: boolean;
}

/** Which ledger movements each status requires (and, by omission, forbids). */
const MOVEMENTS_OF: Record<PaymentStatus, readonly EntryKind[][]> = {
  AWAITING_GUARDIAN: [[]],
  AWAITING_PAYMENT: [[]],
  CANCELLED: [[]],
  FAILED: [[]],
  HELD: [['HOLD']],
  DISPUTED: [['HOLD']],
  RELEASED: [['HOLD', 'RELEASE']],
  REFUNDED: [['HOLD', 'REFUND'], ['HOLD', 'REFUND', 'REFUND_RETURNED']],
};

const HOLDING: ReadonlySet<PaymentStatus> = new Set(['HELD', 'DISPUTED']);

const describeOurs = (p: OurPayment) => `${p.status} ${p.amount}원 [${p.movements.join(', ') || 'no entries'}]`;
const describeProvider = (o: ProviderOrder | null) => (o ? `approved ${o.approved}원, cancelled ${o.cancelled}원` : 'no record');

/** The differences of one order: ours and/or the provider's record of it. */
export function compareOrder(ours: OurPayment | null, provider: ProviderOrder | null): Difference[] {
  const differences: Difference[] = [];
  const add = (kind: DifferenceKind, settleRepairs = false) =>
    differences.push({
      kind,
      orderId: ours?.orderId ?? provider?.orderId ?? null,
      paymentId: ours?.id ?? null,
      paymentKey: provider?.paymentKey ?? ours?.providerPaymentKey ?? null,
      ours: ours ? describeOurs(ours) : 'no payment',
      provider: describeProvider(provider),
      settleRepairs,
    });
  const balance = provider ? provider.approved - provider.cancelled : 0;
  if (!ours) {
    if (balance > 0) add('UNKNOWN_ORDER');
    return differences;
  }

  const sorted = [...ours.movements].sort();
  if (!MOVEMENTS_OF[ours.status].some((expected) => [...expected].sort().join() === sorted.join())) add('STATUS_LEDGER_MISMATCH');
  const expectedEscrow = HOLDING.has(ours.status) ? -ours.amount : 0;
  if (ours.movements.includes('HOLD') && ours.escrowBalance !== expectedEscrow) add('ESCROW_BALANCE');
  for (let i = 0; i < ours.unbalancedEntries; i++) add('ENTRY_UNBALANCED');

  const collected = ours.movements.includes('HOLD');
  const returned = ours.movements.includes('REFUND_RETURNED');
  if (!collected) {
    // A checkout we never heard back about: the settle job reads it back (AWAITING_PAYMENT only).
    if (balance > 0) add('PAID_NOT_HELD', ours.status === 'AWAITING_PAYMENT');
    return differences;
  }
  if (!provider || provider.approved === 0) {
    add('MISSING_AT_PROVIDER');
    return differences;
  }
  if (provider.approved !== ours.amount) add('AMOUNT_MISMATCH');
  if (returned) {
    if (balance !== 0) add('RETURNED_NOT_CANCELLED');
    return differences;
  }
  if (balance === 0) add(ours.status === 'REFUNDED' ? 'REFUND_NOT_BOOKED' : 'CANCELLED_AT_PROVIDER', ours.status === 'REFUNDED');
  else if (balance < provider.approved) add('PARTIALLY_CANCELLED');
  else if (ours.status === 'REFUNDED') add('REFUND_NOT_RETURNED', true);
  return differences;
}

/** Adds a provider's transactions up per order. */
export function ordersFromTransactions(transactions: Iterable<{ orderId: string; paymentKey: string; status: string; amount: number }>): Map<string, ProviderOrder> {
  const orders = new Map<string, ProviderOrder>();
  for (const t of transactions) {
    const order = orders.get(t.orderId) ?? { orderId: t.orderId, paymentKey: t.paymentKey, approved: 0, cancelled: 0 };
    if (t.status === 'DONE') order.approved += t.amount;
    else if (t.status === 'CANCELED' || t.status === 'PARTIAL_CANCELED') order.cancelled += t.amount;
    orders.set(t.orderId, order);
  }
  return orders;
}
