// The double-entry ledger's rules, pure: which postings each money movement makes, that every
// entry balances, and balances derived by adding postings up (never stored, never edited).
// Amounts are whole won; debits are positive, credits negative, so an entry sums to zero.
// The database checks the same sum when the entry's transaction commits (see the migration's
// constraint trigger); this module makes a wrong entry fail before it reaches the database.
import type { AccountKind } from '../model.ts';
import type { MoneyMove } from '../escrow/escrow-state-machine.ts';

export interface AccountRef {
  kind: AccountKind;
  /** The payment (ESCROW_HELD), seller (SELLER_PAYABLE), buyer (BUYER_REFUNDABLE) or provider (PROVIDER_*). */
  ownerId: string;
}

export interface Posting {
  account: AccountRef;
  amount: number;
}

/** HOLD, RELEASE, REFUND follow a status change; REFUND_RETURNED records the provider giving the money back. */
export type EntryKind = MoneyMove | 'REFUND_RETURNED';

export interface LedgerEntry {
  kind: EntryKind;
  paymentId: string;
  postings: Posting[];
}

export interface PaymentMoney {
  id: string;
  buyerId: string;
  sellerId: string;
  /** The trade's price, whole won. */
  amount: number;
  provider: string;
  /** What the provider kept for collecting (whole won, 0 ≤ fee ≤ amount). */
  fee: number;
}

export class UnbalancedEntryError extends Error {
  constructor(readonly reason: string) {
    super(`unbalanced ledger entry: ${reason}`);
  }
}

/** Throws unless the postings are whole, non-zero amounts that sum to zero over at least two accounts. */
export function assertBalanced(postings: readonly Posting[]): void {
  if (postings.length < 2) throw new UnbalancedEntryError('an entry needs at least two postings');
  let sum = 0;
  for (const posting of postings) {
    if (!Number.isSafeInteger(posting.amount) || posting.amount === 0) throw new UnbalancedEntryError(`amount ${posting.amount} is not a whole, non-zero number of won`);
    sum += posting.amount;
  }
  if (sum !== 0) throw new UnbalancedEntryError(`postings sum to ${sum}, not 0`);
}

function checkMoney(payment: PaymentMoney): void {
  if (!Number.isSafeInteger(payment.amount) || payment.amount <= 0) throw new UnbalancedEntryError(`amount ${payment.amount} must be a positive whole number of won`);
  if (!Number.isSafeInteger(payment.fee) || payment.fee < 0 || payment.fee > payment.amount) throw new UnbalancedEntryError(`fee ${payment.fee} must be between 0 and the amount`);
}

/** Drops zero postings (a fee of 0), so that every stored posting moves money. */
function entry(kind: EntryKind, paymentId: string, postings: Posting[]): LedgerEntry {
  const moving = postings.filter((posting) => posting.amount !== 0);
  assertBalanced(moving);
  return { kind, paymentId, postings: moving };
}

/** The entry a money movement makes for a payment. */
export function entryFor(kind: EntryKind, payment: PaymentMoney): LedgerEntry {
  checkMoney(payment);
  const { id, amount, fee, provider } = payment;
  const clearing: AccountRef = { kind: 'PROVIDER_CLEARING', ownerId: provider };
  const fees: AccountRef = { kind: 'PROVIDER_FEES', ownerId: provider };
  const escrow: AccountRef = { kind: 'ESCROW_HELD', ownerId: id };
  const refundable: AccountRef = { kind: 'BUYER_REFUNDABLE', ownerId: payment.buyerId };
  switch (kind) {
    // The buyer paid: the provider holds the amount less its fee for us; we hold the full price for the trade.
    case 'HOLD':
      return entry(kind, id, [
        { account: clearing, amount: amount - fee },
        { account: fees, amount: fee },
        { account: escrow, amount: -amount },
      ]);
    case 'RELEASE':
      return entry(kind, id, [
        { account: escrow, amount },
        { account: { kind: 'SELLER_PAYABLE', ownerId: payment.sellerId }, amount: -amount },
      ]);
    case 'REFUND':
      return entry(kind, id, [
        { account: escrow, amount },
        { account: refundable, amount: -amount },
      ]);
    // The provider cancelled the charge: the buyer has the full amount back and the fee is returned to us.
    case 'REFUND_RETURNED':
      return entry(kind, id, [
        { account: refundable, amount },
        { account: clearing, amount: -(amount - fee) },
        { account: fees, amount: -fee },
      ]);
  }
}

export function accountKey(account: AccountRef): string {
  return `${account.kind}:${account.ownerId}`;
}

/** Balances derived from postings: debit-positive sums per account. */
export function balances(postings: Iterable<Posting>): Map<string, number> {
  const totals = new Map<string, number>();
  for (const posting of postings) {
    const key = accountKey(posting.account);
    totals.set(key, (totals.get(key) ?? 0) + posting.amount);
  }
  return totals;
}
