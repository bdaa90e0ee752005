// The reconciliation (`npm run payments:reconcile`, ARCHITECTURE §12): the provider's transactions
// in a time range, read page by page through Toss's transactions lookup, compared order by order
// with our payments and their ledger entries (compare.ts), plus the ledger's trial balance. An
// order whose approval lies before the range (only its cancellation is in it), or a payment we
// booked whose provider record is not in the range, is read back from the provider by key, so the
// comparison never mistakes "outside the range" for "missing".
import type { PaymentPrisma } from '../database.ts';
import { ProviderRefusedError, type PaymentProvider, type ProviderTransaction } from '../providers/provider.ts';
import { compareOrder, DIFFERENCE_KINDS, ordersFromTransactions, type Difference, type ProviderOrder } from './compare.ts';
import { LedgerRecords } from './ledger-records.ts';

export interface ReconciliationReport {
  from: string;
  to: string;
  provider: string;
  providerTransactions: number;
  providerOrders: number;
  payments: number;
  ledger: { trialBalance: number; entries: number; postings: number };
  differences: Difference[];
}

const PAGE = 1_000;

/** Every provider transaction in [from, to), following the cursor to the last page. */
export async function providerTransactions(provider: PaymentProvider, from: Date, to: Date, pageSize = PAGE): Promise<ProviderTransaction[]> {
  const all: ProviderTransaction[] = [];
  for (let startingAfter: string | undefined; ; ) {
    const page = await provider.transactions({ from, to, startingAfter, limit: pageSize });
    all.push(...page);
    if (page.length < pageSize) return all;
    startingAfter = page.at(-1)!.transactionKey;
  }
}

async function readBack(provider: PaymentProvider, orderId: string, paymentKey: string): Promise<ProviderOrder | null> {
  try {
    const payment = await provider.get(paymentKey);
    const approved = ['DONE', 'CANCELED', 'PARTIAL_CANCELED'].includes(payment.status) ? payment.totalAmount : 0;
    return { orderId, paymentKey, approved, cancelled: approved ? payment.totalAmount - payment.balanceAmount : 0 };
  } catch (error) {
    if (error instanceof ProviderRefusedError && error.status === 404) return null;
    throw error;
  }
}

export async function reconcile(deps: { prisma: PaymentPrisma; provider: PaymentProvider; pageSize?: number }, range: { from: Date; to: Date }): Promise<ReconciliationReport> {
  const { from, to } = range;
  const records = new LedgerRecords(deps.prisma);
  const transactions = await providerTransactions(deps.provider, from, to, deps.pageSize);
  const orders = ordersFromTransactions(transactions);
  const payments = await records.payments(from, to, [...orders.keys()]);
  const ours = new Map(payments.map((payment) => [payment.orderId, payment]));

  const differences: Difference[] = [];
  for (const orderId of new Set([...orders.keys(), ...ours.keys()])) {
    const payment = ours.get(orderId) ?? null;
    let order = orders.get(orderId) ?? null;
    const key = order?.paymentKey ?? payment?.providerPaymentKey ?? null;
    if (key && (order ? order.approved === 0 : payment!.movements.length > 0)) order = await readBack(deps.provider, orderId, key);
    differences.push(...compareOrder(payment, order));
  }
  const ledger = await records.totals();
  if (ledger.trialBalance !== 0) {
    differences.push({ kind: 'LEDGER_UNBALANCED', orderId: null, paymentId: null, paymentKey: null, ours: `postings sum to ${ledger.trialBalance}원`, provider: '-', settleRepairs: false });
  }
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    provider: deps.provider.name,
    providerTransactions: transactions.length,
    providerOrders: orders.size,
    payments: payments.length,
    ledger,
    differences,
  };
}

/** The report for a person: the range, what was compared, then each difference on its own lines. */
export function formatReport(report: ReconciliationReport): string {
  const lines = [
    `Reconciliation with ${report.provider}, ${report.from} → ${report.to}`,
    `  provider: ${report.providerTransactions} transactions over ${report.providerOrders} orders; ours: ${report.payments} payments`,
    `  ledger: ${report.ledger.entries} entries, ${report.ledger.postings} postings, trial balance ${report.ledger.trialBalance}원`,
  ];
  if (!report.differences.length) {
    lines.push('  no differences');
    return lines.join('\n');
  }
  lines.push(`  ${report.differences.length} difference(s):`);
  for (const d of report.differences) {
    lines.push(`  - ${d.kind}: ${DIFFERENCE_KINDS[d.kind]}${d.settleRepairs ? ' (the settle job repairs this)' : ''}`);
    lines.push(`      order ${d.orderId ?? '-'}  payment ${d.paymentId ?? '-'}  provider key ${d.paymentKey ?? '-'}`);
    lines.push(`      ours: ${d.ours}   provider: ${d.provider}`);
  }
  return lines.join('\n');
}
