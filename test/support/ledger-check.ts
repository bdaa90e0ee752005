// The payment ledger's whole-database invariants (issue 19): every posting of the run sums to zero,
// and each payment's escrow account holds its amount exactly while the payment is HELD or DISPUTED
// and nothing otherwise. Read after the test suite (global-setup.ts) and after a soak (scripts/soak.ts).
import pg from 'pg';

export interface LedgerCheck {
  payments: number;
  postings: number;
  trialBalance: string;
  /** Payments whose escrow does not match their status (at most 20 shown). */
  mismatched: Array<{ id: string; status: string; amount: number; held: string }>;
  mismatchedCount: number;
}

/** Reads the ledger of the database at `databaseUrl` (schema svc_payment). */
export async function checkLedger(databaseUrl: string): Promise<LedgerCheck> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
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
  } finally {
    await client.end();
  }
}

/** Throws when the ledger does not balance or an escrow does not match its payment's status. */
export async function assertLedgerBalanced(databaseUrl: string): Promise<{ payments: number; postings: number }> {
  const ledger = await checkLedger(databaseUrl);
  if (ledger.trialBalance !== '0') throw new Error(`the ledger does not balance: postings sum to ${ledger.trialBalance}`);
  if (ledger.mismatchedCount > 0) {
    const first = ledger.mismatched.slice(0, 5).map((row) => `${row.id} ${row.status} amount ${row.amount} escrow ${row.held}`).join('; ');
    throw new Error(`${ledger.mismatchedCount} payments' escrow does not match their status: ${first}`);
  }
  return { payments: ledger.payments, postings: ledger.postings };
}
