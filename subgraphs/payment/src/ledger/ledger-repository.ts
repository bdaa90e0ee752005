// The ledger in PostgreSQL: entries are written inside the caller's transaction (with the status
// change that caused them), read back as derived balances. The database refuses an unbalanced or
// edited entry on its own (init migration), so a bug here cannot corrupt the books silently.
import { randomUUID } from 'node:crypto';
import type { PaymentPrisma, Tx } from '../database.ts';
import type { AccountKind } from '../model.ts';
import { assertBalanced, type AccountRef, type EntryKind, type LedgerEntry } from './postings.ts';

export interface AccountBalance {
  account: AccountRef;
  balance: number;
}

export class LedgerRepository {
  constructor(private readonly prisma: PaymentPrisma) {}

  /**
   * Writes an entry and its postings; false when this payment's movement of this kind is recorded
   * already (a redelivered cause), so a movement is never booked twice.
   */
  async record(tx: Tx, entry: LedgerEntry): Promise<boolean> {
    assertBalanced(entry.postings);
    const id = randomUUID();
    const created = await tx.ledgerEntry.createMany({ data: [{ id, paymentId: entry.paymentId, kind: entry.kind }], skipDuplicates: true });
    if (created.count === 0) return false;
    await tx.ledgerPosting.createMany({
      data: entry.postings.map((posting) => ({
        entryId: id,
        accountKind: posting.account.kind,
        accountOwner: posting.account.ownerId,
        amount: BigInt(posting.amount),
      })),
    });
    return true;
  }

  /** The kinds of movement already booked for a payment, oldest first. */
  async movementsOf(paymentId: string, tx: Tx = this.prisma): Promise<EntryKind[]> {
    const rows = await tx.ledgerEntry.findMany({ where: { paymentId }, orderBy: { createdAt: 'asc' }, select: { kind: true } });
    return rows.map((row) => row.kind as EntryKind);
  }

  /** Derived balances of every account touched by a payment's entries. */
  async balancesOfPayment(paymentId: string, tx: Tx = this.prisma): Promise<AccountBalance[]> {
    const rows = await tx.ledgerPosting.groupBy({
      by: ['accountKind', 'accountOwner'],
      where: { entry: { paymentId } },
      _sum: { amount: true },
    });
    return rows.map((row) => ({ account: { kind: row.accountKind as AccountKind, ownerId: row.accountOwner }, balance: Number(row._sum.amount ?? 0n) }));
  }

  /** One account's balance (debit-positive), derived from its postings. */
  async balanceOf(account: AccountRef, tx: Tx = this.prisma): Promise<number> {
    const row = await tx.ledgerPosting.aggregate({ where: { accountKind: account.kind, accountOwner: account.ownerId }, _sum: { amount: true } });
    return Number(row._sum.amount ?? 0n);
  }

  /** The sum of every posting ever made: zero in a sound ledger (a reconciliation and the bench check it). */
  async trialBalance(tx: Tx = this.prisma): Promise<number> {
    const row = await tx.ledgerPosting.aggregate({ _sum: { amount: true } });
    return Number(row._sum.amount ?? 0n);
  }
}
