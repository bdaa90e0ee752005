// The restore drill (`npm run restore-drill`, and test/faults/restore-drill.faults.test.ts): a real
// system on a private PostgreSQL 15 cluster that archives its WAL, backed up while members trade
// and pay; a point-in-time restore into a second private cluster; and the checks that the copy is
// the system exactly as it was at the target, consistent, and usable by the services. Everything
// runs in temporary directories on free ports and is removed afterwards, even on failure.
import { join } from 'node:path';
import pg from 'pg';
import { FaultStack } from '../../../test/faults/support/fault-stack.ts';
import { freePort } from '../../../test/support/free-port.ts';
import { startProcess, type StartedProcess } from '../../../test/support/processes.ts';
import { checkLedger } from '../ledger-check.ts';
import { archiveEverything, archivingSettings, restoreToTime, serverNow, takeBaseBackup, type Restored } from './backup.ts';
import { checkMigrations, checkOutbox, countDifferences, tableCounts } from './invariants.ts';
import { resendPublishedSince } from './outbox-resend.ts';
import { membersAnswer, resentEventsSettled, startOnRestored } from './restored-services.ts';
import { tradingRound, until, type RoundResult } from './traffic.ts';

const SUBGRAPHS = ['user', 'transaction', 'payment'];
const PAYMENT_KEYS = { PAYMENT_SECRET_KEY: 'test_sk_restore_drill', PAYMENT_WEBHOOK_KEY: 'restore-drill-webhook-key' };
const START_TIMEOUT_MS = 300_000;

export interface DrillCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface DrillReport {
  ok: boolean;
  checks: DrillCheck[];
  timings: Record<string, string>;
  target: string | null;
  error: string | null;
}

export interface DrillOptions {
  /** Trades (each with a safe payment) per round: before the backup, between it and the target, after the target. */
  trades?: { beforeBackup: number; beforeTarget: number; afterTarget: number };
  log?: (line: string) => void;
  /**
   * Called with the restored copy after the checks on its data, before the services start on it:
   * the fault test uses it to show that each check fails on a copy that is wrong.
   */
  onRestored?: (copy: { databaseUrl: string; target: string; expectedCounts: Record<string, number> }) => Promise<void>;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mebibytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export async function runRestoreDrill(options: DrillOptions = {}): Promise<DrillReport> {
  const trades = options.trades ?? { beforeBackup: 4, beforeTarget: 4, afterTarget: 2 };
  const log = options.log ?? (() => undefined);
  const report: DrillReport = { ok: false, checks: [], timings: {}, target: null, error: null };
  const check = async (name: string, run: () => Promise<string> | string) => {
    try {
      report.checks.push({ name, ok: true, detail: await run() });
    } catch (error) {
      report.checks.push({ name, ok: false, detail: (error as Error).message });
    }
  };
  const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    log(`${name}…`);
    const result = await work();
    report.timings[name] = seconds(performance.now() - started);
    return result;
  };

  const drillStarted = performance.now();
  const gatewayPort = await freePort();
  const sandboxPort = await freePort();
  const gatewayOrigin = `http://127.0.0.1:${gatewayPort}`;
  const stack = new FaultStack({
    subgraphs: SUBGRAPHS,
    postgres: { durable: true, settings: (cluster) => archivingSettings(cluster.subdirectory('wal-archive')) },
    env: {
      ...PAYMENT_KEYS,
      GATEWAY_PORT: String(gatewayPort),
      USER_PUBLIC_URL: gatewayOrigin,
      TRANSACTION_PUBLIC_URL: `${gatewayOrigin}/transaction`,
      PAYMENT_PUBLIC_URL: gatewayOrigin,
      PAYMENT_APP_RETURN_URL: `${gatewayOrigin}/payments/done`,
      PAYMENT_PROVIDER_URL: `http://127.0.0.1:${sandboxPort}`,
    },
  });
  let sandbox: StartedProcess | undefined;
  let restored: Restored | undefined;
  const restoredProcesses: StartedProcess[] = [];
  try {
    await timed('start the system on an archiving cluster', async () => {
      await stack.up();
      sandbox = await startProcess('payment-sandbox', 'subgraphs/payment/src/sandbox/index.ts', {
        ...stack.env,
        PAYMENT_SANDBOX_PORT: String(sandboxPort),
        PAYMENT_SANDBOX_WEBHOOK_URL: `${gatewayOrigin}/payments/webhook`,
      }, { timeoutMs: START_TIMEOUT_MS });
    });
    const source = stack.postgres;
    const archiveDir = join(source.dir, 'wal-archive');
    const gateway = stack.gatewayUrl;
    const sql = new pg.Client({ connectionString: stack.databaseUrl });
    await sql.connect();
    let beforeTarget!: RoundResult;
    let afterTarget!: RoundResult;
    let expected!: Record<string, number>;
    try {
      await timed(`round 1: ${trades.beforeBackup} trades with safe payments`, () => tradingRound(gateway, 'r1', trades.beforeBackup));
      await waitForOutbox(sql);
      const backup = await timed('base backup (pg_basebackup + pg_verifybackup)', async () => takeBaseBackup(source, join(source.subdirectory('base-backup'), 'data')));
      report.timings['base backup size'] = mebibytes(backup.bytes);
      report.timings['pg_basebackup'] = seconds(backup.ms);
      report.timings['pg_verifybackup'] = seconds(backup.verifyMs);
      beforeTarget = await timed(`round 2 (after the backup, before the target): ${trades.beforeTarget} trades`, () => tradingRound(gateway, 'r2', trades.beforeTarget));
      ({ expected, target: report.target } = await timed('quiet moment: counts and the recovery target', () => markTarget(sql, source)));
      afterTarget = await timed(`round 3 (after the target, must not survive): ${trades.afterTarget} trades`, () => tradingRound(gateway, 'r3', trades.afterTarget));
      await waitForOutbox(sql);
      await timed('archive the last WAL segment', () => archiveEverything(source));
    } finally {
      await sql.end();
    }
    const target = report.target!;
    restored = await timed('restore to the target (copy + archive replay + promote)', () => restoreToTime(backupDataDir(source), archiveDir, target));
    const copy = new pg.Client({ connectionString: restored.cluster.url('anshim_faults') });
    await copy.connect();
    try {
      await check('recovery stopped at the target and promoted', () => {
        const stop = restored!.recoveryLog.find((line) => line.startsWith('recovery stopping before'));
        if (!stop) throw new Error(`no "recovery stopping before" in the log: ${restored!.recoveryLog.join(' | ')}`);
        if (!restored!.recoveryLog.some((line) => line.startsWith('selected new timeline'))) throw new Error('not promoted to a new timeline');
        return stop;
      });
      await check('archived WAL replayed', () => {
        if (restored!.archivedSegmentsReplayed < 1) throw new Error('no WAL segment was restored from the archive');
        return `${restored!.archivedSegmentsReplayed} segments from the archive`;
      });
      await check('row counts equal those at the target', async () => {
        const differences = countDifferences(expected, await tableCounts(copy));
        if (differences.length) throw new Error(differences.join('; '));
        return `${Object.keys(expected).length} tables, ${Object.values(expected).reduce((a, b) => a + b, 0)} rows`;
      });
      await check('rows written before the target present, after it absent', () => rowsAroundTarget(copy, beforeTarget, afterTarget));
      await check('ledger: trial balance 0, every escrow matches its payment', async () => {
        const ledger = await checkLedger(copy);
        return `${ledger.payments} payments, ${ledger.postings} postings`;
      });
      await check('outbox: published rows no later than the target, processed events all published', async () => {
        const outbox = await checkOutbox(copy, target);
        return `${outbox.rows} rows (${outbox.published} published, ${outbox.unsent} unsent), ${outbox.processed} processed events`;
      });
      await check('every Prisma migration recorded', async () => {
        const { services, migrations } = await checkMigrations(copy);
        return `${migrations} migrations of ${services} services`;
      });
    } finally {
      await copy.end();
    }
    const copyUrl = restored.cluster.url('anshim_faults');
    await options.onRestored?.({ databaseUrl: copyUrl, target, expectedCounts: expected });
    const copyAgain = new pg.Client({ connectionString: copyUrl });
    await copyAgain.connect();
    try {
      // Events published shortly before the target may not have reached their consumers by then;
      // the queues that held them are not part of the copy. Hand them to the relays again.
      const since = (await copyAgain.query<{ since: string }>(`SELECT ($1::timestamptz - interval '1 hour')::text AS since`, [target])).rows[0]!.since;
      const resent = await resendPublishedSince(copyAgain, since, { services: SUBGRAPHS });
      const system = await timed('start the services on the restored database', () => startOnRestored(stack.env, copyUrl, SUBGRAPHS, restoredProcesses));
      await check('events published in the hour before the target re-sent, none applied twice', async () => {
        const deliveries = await resentEventsSettled(copyAgain, system, SUBGRAPHS);
        const differences = countDifferences(expected, await tableCounts(copyAgain));
        if (differences.length) throw new Error(`rows changed after the re-sent events: ${differences.join('; ')}`);
        const total = Object.values(resent).reduce((a, b) => a + b, 0);
        return `${total} events re-sent (${Object.entries(resent).map(([k, v]) => `${k} ${v}`).join(', ')}), ${deliveries} deliveries, every table's count unchanged`;
      });
      await check('the services answer on the restored database', () => membersAnswer(system.gatewayUrl, beforeTarget, afterTarget));
    } finally {
      await copyAgain.end();
    }
  } catch (error) {
    const cause = (error as Error).cause;
    const dead = Object.entries(stack.alive()).filter(([, alive]) => !alive).map(([name]) => name);
    report.error = [
      (error as Error).stack ?? String(error),
      cause ? `cause: ${cause instanceof Error ? cause.message : String(cause)}` : '',
      dead.length ? `exited: ${dead.join(', ')}\n${stack.logs(15)}` : '',
    ].filter(Boolean).join('\n');
  } finally {
    await Promise.allSettled(restoredProcesses.reverse().map((p) => p.stop()));
    restored?.cluster.destroy();
    await sandbox?.stop();
    await stack.stop();
    report.timings['whole drill'] = seconds(performance.now() - drillStarted);
  }
  report.ok = report.error === null && report.checks.length > 0 && report.checks.every((c) => c.ok);
  return report;
}

/** The base backup's directory (taken into the source cluster's `base-backup/data`). */
const backupDataDir = (source: FaultStack['postgres']) => join(source.dir, 'base-backup', 'data');

/** Waits until every service's outbox is relayed: the events so far reached their queues. */
async function waitForOutbox(sql: pg.Client): Promise<void> {
  await until('every outbox row relayed', async () => {
    const unsent = (await checkOutbox(sql)).unsent;
    return unsent === 0 ? true : undefined;
  });
}

/**
 * Reads every table's row count, takes the server's time as the target, reads the counts again:
 * when both reads agree, nothing was committed around the target, so the counts are exactly what a
 * restore to it must show. A background job writing at that moment makes it try again.
 */
async function markTarget(sql: pg.Client, source: FaultStack['postgres']): Promise<{ expected: Record<string, number>; target: string }> {
  return until('a moment with no commit around it', async () => {
    await waitForOutbox(sql);
    const before = await tableCounts(sql);
    const target = await serverNow(source);
    const after = await tableCounts(sql);
    return countDifferences(before, after).length === 0 ? { expected: after, target } : undefined;
  }, 60_000);
}

async function rowsAroundTarget(copy: pg.Client, before: RoundResult, after: RoundResult): Promise<string> {
  const present = async (table: string, column: string, values: string[]) =>
    Number((await copy.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE ${column}::text = ANY($1)`, [values])).rows[0]!.n);
  const kinds: Array<[string, string, (r: RoundResult) => string[]]> = [
    ['svc_user.users', 'email', (r) => r.emails],
    ['svc_transaction.products', 'id', (r) => r.productIds],
    ['svc_transaction.transactions', 'id', (r) => r.tradeIds],
    ['svc_payment.payments', 'id', (r) => [...r.heldPaymentIds, ...r.releasedPaymentIds]],
  ];
  const problems: string[] = [];
  let before_ = 0;
  let after_ = 0;
  for (const [table, column, pick] of kinds) {
    const wanted = pick(before);
    const found = await present(table, column, wanted);
    if (found !== wanted.length) problems.push(`${table}: ${found} of ${wanted.length} rows written before the target`);
    const unwanted = await present(table, column, pick(after));
    if (unwanted !== 0) problems.push(`${table}: ${unwanted} rows written after the target`);
    before_ += wanted.length;
    after_ += pick(after).length;
  }
  if (problems.length) throw new Error(problems.join('; '));
  return `${before_} rows from after the backup present, ${after_} rows from after the target absent`;
}
