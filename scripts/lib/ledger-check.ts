// The payment ledger's invariants over a whole database: the test suite's teardown reads them once
// more after every payment test ran (issue 19), the restore drill reads them on a restored copy, and
// the soak reports them after its faults.
import type pg from 'pg';

export interface LedgerSummary {
  payments: number;
  postings: number;
}

export interface LedgerReading extends LedgerSummary {
  /** The sum of every posting: '0' when the ledger balances. */
  trialBalance: string;
  /** Payments whose escrow does not match their status (at most 20 shown). */
  mismatched: Array<{ id: string; status: string; amount: number; held: string }>;
  mismatchedCount: number;
}

/** Reads the ledger (schema svc_payment) without judging it: for reports that show what is wrong. */
export async function readLedger(client: pg.ClientBase | pg.Pool): Promise<LedgerReading> {
  const totals = await client.query<{ trial: string; postings: string; payments: string }>(
    `SELECT (SELECT COALESCE(SUM(amount), 0) FROM svc_payment.ledger_postings)::text AS trial,
            (SELECT COUNT(*) FROM svc_payment.ledger_postings)::text AS postings,
            (SELECT COUNT(*) FROM svc_payment.payments)::text AS payments`,
  );
  const { trial, postings, payments } = totals.rows[0]!;
  const wrong = await client.query<{ id: string; status: string; amount: number; held: string }>(
    `SELECT p.id, p.status, p.amount, COALESCE(ABS(SUM(lp.amount)), 0)::text AS held
       FROM svc_payment.payments p
       LEFT JOIN svc_payment.ledger_postings lp ON lp.account_kind = 'ESCROW_HELD' AND lp.account_owner = p.id::text
      GROUP BY p.id, p.status, p.amount
     HAVING COALESCE(ABS(SUM(lp.amount)), 0) <> CASE WHEN p.status IN ('HELD', 'DISPUTED') THEN p.amount ELSE 0 END`,
  );
  return { payments: Number(payments), postings: Number(postings), trialBalance: trial, mismatched: wrong.rows.slice(0, 20), mismatchedCount: wrong.rows.length };
}

/**
 * The sum of all postings is zero, and each payment's escrow account holds its amount exactly
 * while the payment is HELD or DISPUTED and nothing otherwise. Throws, naming what is wrong.
 */
export async function checkLedger(client: pg.ClientBase | pg.Pool): Promise<LedgerSummary> {
  const ledger = await readLedger(client);
  if (ledger.trialBalance !== '0') throw new Error(`the ledger does not balance: postings sum to ${ledger.trialBalance}`);
  if (ledger.mismatchedCount > 0) {
    const first = ledger.mismatched.slice(0, 5).map((row) => `${row.id} ${row.status} amount ${row.amount} escrow ${row.held}`).join('; ');
    throw new Error(`${ledger.mismatchedCount} payments' escrow does not match their status: ${first}`);
  }
  return { payments: ledger.payments, postings: ledger.postings };
}
