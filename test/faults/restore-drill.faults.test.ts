// The restore drill of docs/operations.md (`npm run restore-drill`), run here so it cannot rot: a
// system on a private PostgreSQL 15 cluster archiving its WAL, backed up while members trade and
// pay, restored to a moment between two rounds of trading; every check on the copy must pass.
// Then, on the restored copy, each check is shown to fail on data that is wrong (each change in a
// transaction that is rolled back), so a drill that passes means something.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { checkLedger } from '../../scripts/lib/ledger-check.ts';
import { runRestoreDrill, type DrillReport } from '../../scripts/lib/restore/drill.ts';
import { checkMigrations, checkOutbox, countDifferences, tableCounts } from '../../scripts/lib/restore/invariants.ts';

/** Runs `tamper` and then `probe` in one transaction on the copy, and rolls it back. */
async function onWrongCopy<T>(databaseUrl: string, tamper: string, probe: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(tamper);
    return await probe(client);
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end();
  }
}

describe('restore drill', () => {
  it('restores a base backup plus archived WAL to a point in time, and the copy passes every check', async () => {
    const refusals: Record<string, string> = {};
    const report: DrillReport = await runRestoreDrill({
      trades: { beforeBackup: 2, beforeTarget: 2, afterTarget: 2 },
      onRestored: async ({ databaseUrl, target, expectedCounts }) => {
        const refused = (name: string, tamper: string, probe: (client: pg.Client) => Promise<unknown>) =>
          onWrongCopy(databaseUrl, tamper, probe).then(
            () => (refusals[name] = 'accepted'),
            (error: Error) => (refusals[name] = error.message),
          );
        await refused('ledger', `UPDATE svc_payment.payments SET status = 'RELEASED' WHERE id = (SELECT id FROM svc_payment.payments WHERE status = 'HELD' LIMIT 1)`, checkLedger);
        await refused('outbox late', `UPDATE svc_transaction.outbox_events SET published_at = now() + interval '1 hour' WHERE id = (SELECT id FROM svc_transaction.outbox_events LIMIT 1)`, (c) => checkOutbox(c, target));
        await refused('outbox orphan', `INSERT INTO svc_payment.processed_events (consumer, event_id) VALUES ('drill', gen_random_uuid())`, (c) => checkOutbox(c, target));
        await refused('migrations', `DELETE FROM svc_user._prisma_migrations WHERE migration_name = (SELECT max(migration_name) FROM svc_user._prisma_migrations)`, checkMigrations);
        await refused('counts', `INSERT INTO svc_payment.processed_events (consumer, event_id) VALUES ('drill', gen_random_uuid())`, async (c) => {
          const differences = countDifferences(expectedCounts, await tableCounts(c));
          if (differences.length) throw new Error(differences.join('; '));
        });
      },
    });
    const summary = [...report.checks.map((c) => `${c.ok ? 'PASS' : 'FAIL'} ${c.name}: ${c.detail}`), ...Object.entries(report.timings).map(([k, v]) => `${k}: ${v}`)].join('\n');
    console.log(summary);
    expect(report.error, summary).toBeNull();
    expect(report.checks.map((c) => c.name)).toEqual([
      'recovery stopped at the target and promoted',
      'archived WAL replayed',
      'row counts equal those at the target',
      'rows written before the target present, after it absent',
      'ledger: trial balance 0, every escrow matches its payment',
      'outbox: published rows no later than the target, processed events all published',
      'every Prisma migration recorded',
      'events published in the hour before the target re-sent, none applied twice',
      'the services answer on the restored database',
    ]);
    expect(report.checks.filter((c) => !c.ok), summary).toEqual([]);
    expect(report.ok).toBe(true);

    expect(refusals.ledger).toMatch(/1 payments' escrow does not match their status/);
    expect(refusals['outbox late']).toMatch(/1 rows written or published after the recovery target/);
    expect(refusals['outbox orphan']).toMatch(/1 processed events with no published outbox row/);
    expect(refusals.migrations).toMatch(/^migrations: user lacks /);
    const [, was, now] = /^svc_payment\.processed_events: (\d+) → (\d+)$/.exec(refusals.counts ?? '') ?? [];
    expect(Number(now) - Number(was), refusals.counts).toBe(1);
  });
});
