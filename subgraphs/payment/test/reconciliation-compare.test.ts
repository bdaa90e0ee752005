// The reconciliation's rules (src/reconciliation/compare.ts), pure: every combination of what we
// booked and what the provider says that must, or must not, be a difference.
import { describe, expect, it } from 'vitest';
import { compareOrder, ordersFromTransactions, type OurPayment, type ProviderOrder } from '../src/reconciliation/compare.ts';

const ours = (over: Partial<OurPayment> = {}): OurPayment => ({
  id: 'p1',
  orderId: 'anshim-p1',
  providerPaymentKey: 'k1',
  status: 'HELD',
  amount: 10_000,
  movements: ['HOLD'],
  unbalancedEntries: 0,
  escrowBalance: -10_000,
  ...over,
});
const provider = (approved: number, cancelled = 0): ProviderOrder => ({ orderId: 'anshim-p1', paymentKey: 'k1', approved, cancelled });
const kinds = (a: OurPayment | null, b: ProviderOrder | null) => compareOrder(a, b).map((d) => d.kind);

describe('compareOrder', () => {
  it('finds nothing when both sides agree, in every status', () => {
    expect(kinds(ours(), provider(10_000))).toEqual([]);
    expect(kinds(ours({ status: 'DISPUTED' }), provider(10_000))).toEqual([]);
    expect(kinds(ours({ status: 'RELEASED', movements: ['HOLD', 'RELEASE'], escrowBalance: 0 }), provider(10_000))).toEqual([]);
    expect(kinds(ours({ status: 'REFUNDED', movements: ['HOLD', 'REFUND', 'REFUND_RETURNED'], escrowBalance: 0 }), provider(10_000, 10_000))).toEqual([]);
    expect(kinds(ours({ status: 'AWAITING_PAYMENT', movements: [], escrowBalance: 0 }), null)).toEqual([]);
    expect(kinds(ours({ status: 'FAILED', movements: [], escrowBalance: 0 }), provider(10_000, 10_000))).toEqual([]);
  });

  it('money at the provider we do not know of, or never held', () => {
    expect(kinds(null, provider(5_000))).toEqual(['UNKNOWN_ORDER']);
    expect(kinds(null, provider(5_000, 5_000))).toEqual([]);
    const lost = compareOrder(ours({ status: 'AWAITING_PAYMENT', movements: [], escrowBalance: 0 }), provider(10_000));
    expect(lost.map((d) => [d.kind, d.settleRepairs])).toEqual([['PAID_NOT_HELD', true]]);
    expect(compareOrder(ours({ status: 'FAILED', movements: [], escrowBalance: 0 }), provider(10_000)).map((d) => [d.kind, d.settleRepairs])).toEqual([['PAID_NOT_HELD', false]]);
  });

  it('money we hold the provider does not, or holds differently', () => {
    expect(kinds(ours(), null)).toEqual(['MISSING_AT_PROVIDER']);
    expect(kinds(ours(), provider(12_000))).toEqual(['AMOUNT_MISMATCH']);
    expect(kinds(ours(), provider(10_000, 10_000))).toEqual(['CANCELLED_AT_PROVIDER']);
    expect(kinds(ours({ status: 'RELEASED', movements: ['HOLD', 'RELEASE'], escrowBalance: 0 }), provider(10_000, 10_000))).toEqual(['CANCELLED_AT_PROVIDER']);
    expect(kinds(ours(), provider(10_000, 3_000))).toEqual(['PARTIALLY_CANCELLED']);
  });

  it('refunds on their way back, and returns the provider has not made', () => {
    const refunded = ours({ status: 'REFUNDED', movements: ['HOLD', 'REFUND'], escrowBalance: 0 });
    expect(compareOrder(refunded, provider(10_000)).map((d) => [d.kind, d.settleRepairs])).toEqual([['REFUND_NOT_RETURNED', true]]);
    expect(compareOrder(refunded, provider(10_000, 10_000)).map((d) => [d.kind, d.settleRepairs])).toEqual([['REFUND_NOT_BOOKED', true]]);
    expect(kinds(ours({ status: 'REFUNDED', movements: ['HOLD', 'REFUND', 'REFUND_RETURNED'], escrowBalance: 0 }), provider(10_000))).toEqual(['RETURNED_NOT_CANCELLED']);
  });

  it('a status that disagrees with the ledger, an escrow that holds the wrong amount, an unbalanced entry', () => {
    expect(kinds(ours({ movements: [], escrowBalance: 0 }), provider(10_000))).toEqual(['STATUS_LEDGER_MISMATCH', 'PAID_NOT_HELD']);
    // Released and refunded both: the money left escrow twice.
    expect(kinds(ours({ status: 'RELEASED', movements: ['HOLD', 'RELEASE', 'REFUND'], escrowBalance: 10_000 }), provider(10_000))).toEqual(['STATUS_LEDGER_MISMATCH', 'ESCROW_BALANCE']);
    expect(kinds(ours({ escrowBalance: 0 }), provider(10_000))).toEqual(['ESCROW_BALANCE']);
    expect(kinds(ours({ unbalancedEntries: 1 }), provider(10_000))).toEqual(['ENTRY_UNBALANCED']);
  });
});

describe('ordersFromTransactions', () => {
  it('adds approvals and cancellations up per order', () => {
    const orders = ordersFromTransactions([
      { orderId: 'a', paymentKey: 'ka', status: 'DONE', amount: 10_000 },
      { orderId: 'a', paymentKey: 'ka', status: 'PARTIAL_CANCELED', amount: 3_000 },
      { orderId: 'a', paymentKey: 'ka', status: 'CANCELED', amount: 7_000 },
      { orderId: 'b', paymentKey: 'kb', status: 'DONE', amount: 5_000 },
    ]);
    expect(Object.fromEntries(orders)).toEqual({
      a: { orderId: 'a', paymentKey: 'ka', approved: 10_000, cancelled: 10_000 },
      b: { orderId: 'b', paymentKey: 'kb', approved: 5_000, cancelled: 0 },
    });
  });
});
