// The PostgreSQL side of the restore drill, as docs/operations.md tells an operator to do it:
// continuous WAL archiving (archive_command), a base backup with pg_basebackup checked by
// pg_verifybackup, and a point-in-time restore of that backup plus the archive into a new cluster
// (restore_command, recovery_target_time, recovery.signal), promoted when it reaches the target.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PrivatePostgres } from '../../../test/faults/support/private-postgres.ts';
import { withPgClient } from '../pg-client.ts';

/** The settings that archive every finished WAL segment into `archiveDir` (never overwriting one). */
export function archivingSettings(archiveDir: string): Record<string, string> {
  return {
    wal_level: 'replica',
    archive_mode: 'on',
    archive_command: `test ! -f ${archiveDir}/%f && cp %p ${archiveDir}/%f`,
    // A quiet server still closes a segment at least this often, which bounds what a crash loses.
    archive_timeout: '60',
  };
}

export interface BaseBackup {
  dir: string;
  bytes: number;
  ms: number;
  verifyMs: number;
}

/** pg_basebackup (plain format, WAL streamed alongside, fast checkpoint) into `dir`, then pg_verifybackup. */
export function takeBaseBackup(source: PrivatePostgres, dir: string): BaseBackup {
  const started = performance.now();
  source.runTool('pg_basebackup', ['-h', '127.0.0.1', '-p', String(source.port), '-U', 'root', '-D', dir, '-Fp', '-X', 'stream', '-c', 'fast', '-l', 'anshim restore drill']);
  const ms = performance.now() - started;
  const verifyStarted = performance.now();
  // Checks every file against the backup's manifest and that the WAL it needs parses.
  source.runTool('pg_verifybackup', [dir]);
  const verifyMs = performance.now() - verifyStarted;
  const du = spawnSync('du', ['-sb', dir], { encoding: 'utf8' });
  return { dir, bytes: Number(du.stdout.split('\t')[0]), ms, verifyMs };
}

/** Closes the current WAL segment and waits until the archiver has copied it: everything so far is in the archive. */
export async function archiveEverything(source: PrivatePostgres, timeoutMs = 60_000): Promise<string> {
  return withPgClient(source.url(), async (client) => {
    const { rows } = await client.query<{ segment: string }>('SELECT pg_walfile_name(pg_switch_wal()) AS segment');
    const segment = rows[0]!.segment;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows: status } = await client.query<{ last: string | null; failed: string | null }>('SELECT last_archived_wal AS last, last_failed_wal AS failed FROM pg_stat_archiver');
      const last = status[0]?.last;
      if (last && last.slice(0, 24) >= segment) return segment;
      if (Date.now() > deadline) throw new Error(`WAL segment ${segment} not archived within ${timeoutMs} ms (last archived ${last}, last failed ${status[0]?.failed})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
}

/** The server's clock now, as a timestamp with its offset: the recovery target. */
export function serverNow(source: PrivatePostgres): Promise<string> {
  return withPgClient(source.url(), async (client) => (await client.query<{ now: string }>('SELECT clock_timestamp()::text AS now')).rows[0]!.now);
}

export interface Restored {
  cluster: PrivatePostgres;
  ms: number;
  /** The server log's lines about where recovery stopped and which WAL came from the archive. */
  recoveryLog: string[];
  archivedSegmentsReplayed: number;
}

/**
 * A new cluster from a copy of `backupDir`, replaying `archiveDir` up to `target` and promoted
 * there (recovery_target_action=promote, so it accepts writes on a new timeline). It must not
 * archive into the source's archive: archive_mode goes off on the copy.
 */
export async function restoreToTime(backupDir: string, archiveDir: string, target: string, timeoutMs = 120_000): Promise<Restored> {
  const started = performance.now();
  const cluster = await PrivatePostgres.prepare(
    (instance) => {
      instance.runAsServerUser('cp', ['-a', backupDir, instance.dataDir]);
      instance.runAsServerUser('touch', [join(instance.dataDir, 'recovery.signal')]);
    },
    {
      durable: true,
      settings: {
        restore_command: `cp ${archiveDir}/%f %p`,
        recovery_target_time: target,
        recovery_target_action: 'promote',
        archive_mode: 'off',
      },
    },
  );
  try {
    // It answers read-only queries while it replays; it is restored once it has left recovery.
    const deadline = Date.now() + timeoutMs;
    await withPgClient(cluster.url(), async (client) => {
      for (;;) {
        const { rows } = await client.query<{ recovering: boolean }>('SELECT pg_is_in_recovery() AS recovering');
        if (!rows[0]!.recovering) return;
        if (Date.now() > deadline) throw new Error(`still in recovery after ${timeoutMs} ms:\n${cluster.serverLog()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    const log = cluster.serverLog(400).split('\n');
    return {
      cluster,
      ms: performance.now() - started,
      recoveryLog: log.filter((line) => /recovery stopping|starting point-in-time recovery|selected new timeline|archive recovery complete|redo done/.test(line)).map((line) => line.replace(/^.*?(LOG|FATAL|ERROR):\s+/, '')),
      archivedSegmentsReplayed: log.filter((line) => /restored log file ".*" from archive/.test(line)).length,
    };
  } catch (error) {
    cluster.destroy();
    throw error;
  }
}
