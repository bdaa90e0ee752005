// Our side of a reconciliation, read from PostgreSQL: the payments whose money could have moved in
// the range (created before its end and changed, or booked, within it, plus any order the provider
// names), each with its ledger movements booked before the range's end, its entries' sums and its
// escrow balance; and the whole ledger's trial balance. Reads only: the ledger is append-only and a
// reconciliation never writes to it.
import type { PaymentPrisma } from '../database.ts';
import type { EntryKind } from '../ledger/postings.ts';
import type { PaymentStatus } from '../model.ts';
import type { OurPayment } from './compare.ts';

export class LedgerRecords {
  constructor(private readonly prisma: PaymentPrisma) {}

  /** Payments touched in [from, to), and those with the given order ids. */
  async payments(from: Date, to: Date, orderIds: readonly string[]): Promise<OurPayment[]> {
    const rows = await this.prisma.payment.findMany({
      where: {
        OR: [
          { createdAt: { lt: to }, updatedAt: { gte: from } },
          { entries: { some: { createdAt: { gte: from, lt: to } } } },
          ...(orderIds.length ? [{ orderId: { in: [...orderIds] } }] : []),
        ],
      },
      select: { id: true, orderId: true, providerPaymentKey: true, status: true, amount: true },
    });
    if (!rows.length) return [];
    const entries = await this.prisma.ledgerEntry.findMany({
      where: { paymentId: { in: rows.map((row) => row.id) }, createdAt: { lt: to } },
      select: { paymentId: true, kind: true, postings: { select: { accountKind: true, accountOwner: true, amount: true } } },
    });
    const byPayment = new Map<string, typeof entries>();
    for (const entry of entries) byPayment.set(entry.paymentId, [...(byPayment.get(entry.paymentId) ?? []), entry]);
    return rows.map((row) => {
      const own = byPayment.get(row.id) ?? [];
      let escrowBalance = 0;
      let unbalancedEntries = 0;
      for (const entry of own) {
        if (entry.postings.reduce((sum, posting) => sum + posting.amount, 0n) !== 0n) unbalancedEntries++;
        for (const posting of entry.postings) if (posting.accountKind === 'ESCROW_HELD' && posting.accountOwner === row.id) escrowBalance += Number(posting.amount);
      }
      return { ...row, status: row.status as PaymentStatus, movements: own.map((entry) => entry.kind as EntryKind), unbalancedEntries, escrowBalance };
    });
  }

  /** The sum of every posting ever made (zero in a sound ledger), and how many entries there are. */
  async totals(): Promise<{ trialBalance: number; entries: number; postings: number }> {
    const [sum, entries, postings] = await Promise.all([this.prisma.ledgerPosting.aggregate({ _sum: { amount: true } }), this.prisma.ledgerEntry.count(), this.prisma.ledgerPosting.count()]);
    return { trialBalance: Number(sum._sum.amount ?? 0n), entries, postings };
  }
}
