// The payment ledger's invariants over a whole database: the test suite's teardown reads them once
// more after every payment test ran (issue 19), and the restore drill reads them on a restored copy.
import type pg from 'pg';

export interface LedgerSummary {
  payments: number;
  postings: number;
}

/**
 * The sum of all postings is zero, and each payment's escrow account holds its amount exactly
 * while the payment is HELD or DISPUTED and nothing otherwise. Throws, naming what is wrong.
 */
export async function checkLedger(client: pg.ClientBase | pg.Pool): Promise<LedgerSummary> {
  const totals = await client.query<{ trial: string; postings: string; payments: string }>(
    `SELECT (SELECT COALESCE(SUM(amount), 0) FROM svc_payment.ledger_postings)::text AS trial,
            (SELECT COUNT(*) FROM svc_payment.ledger_postings)::text AS postings,
            (SELECT COUNT(*) FROM svc_payment.payments)::text AS payments`,
  );
  const { trial, postings, payments } = totals.rows[0]!;
  if (trial !== '0') throw new Error(`the ledger does not balance: postings sum to ${trial}`);
  const wrong = await client.query<{ id: string; status: string; amount: number; held: string }>(
    `SELECT p.id, p.status, p.amount, COALESCE(ABS(SUM(lp.amount)), 0)::text AS held
       FROM svc_payment.payments p
       LEFT JOIN svc_payment.ledger_postings lp ON lp.account_kind = 'ESCROW_HELD' AND lp.account_owner = p.id::text
      GROUP BY p.id, p.status, p.amount
     HAVING COALESCE(ABS(SUM(lp.amount)), 0) <> CASE WHEN p.status IN ('HELD', 'DISPUTED') THEN p.amount ELSE 0 END`,
  );
  if (wrong.rows.length > 0) {
    const first = wrong.rows.slice(0, 5).map((row) => `${row.id} ${row.status} amount ${row.amount} escrow ${row.held}`).join('; ');
    throw new Error(`${wrong.rows.length} payments' escrow does not match their status: ${first}`);
  }
  return { payments: Number(payments), postings: Number(postings) };
}
