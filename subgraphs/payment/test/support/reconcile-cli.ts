// Runs `npm run payments:reconcile` as a real child process (the script as an operator runs it) and
// hands back its exit code and the JSON report; and a throw-away database of the payment service
// (its own), so a reconciliation over "everything" sees only the payments its test made.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { ownDatabase, type OwnDatabase } from '../../../../test/support/own-database.ts';
import type { ReconciliationReport } from '../../src/reconciliation/reconcile.ts';

const root = resolve(import.meta.dirname, '../../../..');

export interface CliRun {
  code: number | null;
  report: ReconciliationReport | null;
  stdout: string;
  stderr: string;
}

export function runReconcileCli(env: Record<string, string>, args: string[] = ['--all', '--json']): Promise<CliRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/payments-reconcile.ts', ...args],
      { cwd: root, env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        let report: ReconciliationReport | null = null;
        try {
          report = JSON.parse(stdout) as ReconciliationReport;
        } catch {
          report = null;
        }
        done({ code, report, stdout, stderr });
      },
    );
  });
}

/** A database of the payment service's (and the user service's outbox shape), dropped by `drop()`. */
export function ownPaymentDatabase(): Promise<OwnDatabase> {
  // The user service's schema too: the harness's stand-in event producer copies its outbox table.
  return ownDatabase('recon', ['user', 'payment']);
}
