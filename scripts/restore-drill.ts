// `npm run restore-drill`: the backup and point-in-time recovery procedure of docs/operations.md,
// performed on this machine against private PostgreSQL 15 clusters (never the server on 5432):
// a base backup and WAL archive of a system in use, a restore to a moment between two rounds of
// trading, and the checks on the copy. Prints each check and the timings; exits 1 on any failure.
//   RESTORE_DRILL_TRADES=4,4,2  trades (each with a safe payment) before the backup, before the target, after it
import { runRestoreDrill } from './lib/restore/drill.ts';

function tradesFromEnv(raw: string | undefined) {
  if (!raw) return undefined;
  const [beforeBackup, beforeTarget, afterTarget] = raw.split(',').map(Number);
  const valid = [beforeBackup, beforeTarget, afterTarget].every((n) => Number.isInteger(n) && n! >= 1) && beforeTarget! >= 2;
  if (!valid) throw new Error(`RESTORE_DRILL_TRADES must be three positive whole numbers, the second at least 2 (got "${raw}")`);
  return { beforeBackup: beforeBackup!, beforeTarget: beforeTarget!, afterTarget: afterTarget! };
}

const report = await runRestoreDrill({ trades: tradesFromEnv(process.env.RESTORE_DRILL_TRADES), log: (line) => console.log(`… ${line}`) });
console.log(`\nrestore drill${report.target ? ` (recovery target ${report.target})` : ''}`);
for (const check of report.checks) console.log(`${check.ok ? 'PASS' : 'FAIL'}  ${check.name}: ${check.detail}`);
if (report.error) console.log(`FAIL  the drill stopped: ${report.error}`);
console.log('\ntimings');
for (const [name, value] of Object.entries(report.timings)) console.log(`  ${name}: ${value}`);
const failed = report.checks.filter((c) => !c.ok).length + (report.error ? 1 : 0);
console.log(`\n${report.checks.filter((c) => c.ok).length} passed, ${failed} failed`);
process.exit(report.ok ? 0 : 1);
