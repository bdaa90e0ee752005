// A PostgreSQL cluster of the fault suite's own, in a temporary directory on a free port: the suite
// stops and starts it at will, which it must never do to the machine's shared server (other runs
// and CI use it at the same time). initdb and postgres refuse to run as root, so as root they run
// as the `postgres` system user through runuser; as any other user they run as that user.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, waitUntil } from './free-port.ts';

const BIN = process.env.FAULTS_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const SYSTEM_USER = 'postgres';

export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** Creates and starts a fresh cluster (superuser `root`, trust auth on 127.0.0.1 only). */
  static async create(): Promise<PrivatePostgres> {
    if (!existsSync(join(BIN, 'initdb'))) throw new Error(`no PostgreSQL binaries in ${BIN} (set FAULTS_PG_BIN)`);
    const dir = mkdtempSync(join(tmpdir(), 'anshim-faults-pg-'));
    const instance = new PrivatePostgres(dir, await freePort());
    registerForExit(instance);
    try {
      if (isRoot()) {
        const ids = spawnSync('id', ['-u', SYSTEM_USER], { encoding: 'utf8' });
        const gids = spawnSync('id', ['-g', SYSTEM_USER], { encoding: 'utf8' });
        if (ids.status !== 0) throw new Error(`running as root needs the "${SYSTEM_USER}" system user to run PostgreSQL`);
        chownSync(dir, Number(ids.stdout.trim()), Number(gids.stdout.trim()));
      }
      // C.UTF-8 like the shared server: pg_trgm only treats Korean letters as letters under a UTF-8 ctype.
      instance.run('initdb', ['-D', instance.dataDir, '-U', 'root', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
      await instance.start();
      return instance;
    } catch (error) {
      instance.destroy();
      throw error;
    }
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** A URL for `database` on this cluster. */
  url(database = 'postgres'): string {
    return `postgresql://root@127.0.0.1:${this.port}/${database}`;
  }

  /** Starts the server and waits until it accepts queries. */
  async start(): Promise<void> {
    const options = [
      `-p ${this.port}`,
      `-k ${this.dir}`,
      '-c listen_addresses=127.0.0.1',
      // Durability against an OS crash is not what these tests exercise; a process stop keeps the page cache.
      '-c fsync=off',
      '-c full_page_writes=off',
      '-c max_connections=300',
    ].join(' ');
    this.run('pg_ctl', ['-D', this.dataDir, '-l', join(this.dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
    await waitUntil(() => this.ping(), (ok) => ok, 30_000, `PostgreSQL on port ${this.port}`);
  }

  /**
   * Stops the server. `fast` rolls back open transactions and closes every connection (a
   * restart by an operator); `immediate` is a crash (recovery on the next start).
   */
  stop(mode: 'fast' | 'immediate' = 'fast'): void {
    this.run('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
  }

  async restart(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    this.stop(mode);
    await this.start();
  }

  get running(): boolean {
    return existsSync(join(this.dataDir, 'postmaster.pid'));
  }

  async ping(): Promise<boolean> {
    const client = new pg.Client({ connectionString: this.url(), connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Stops the server if it runs and removes every file. Safe to call twice. */
  destroy(): void {
    if (this.running) {
      try {
        this.stop('immediate');
      } catch {
        // Already gone, or a half-started server: the directory goes anyway.
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
    unregisterForExit(this);
  }

  serverLog(): string {
    try {
      return readFileSync(join(this.dir, 'server.log'), 'utf8').split('\n').slice(-40).join('\n');
    } catch {
      return '';
    }
  }

  private run(tool: string, args: string[]): void {
    const command = isRoot() ? 'runuser' : join(BIN, tool);
    const argv = isRoot() ? ['-u', SYSTEM_USER, '--', join(BIN, tool), ...args] : args;
    const result = spawnSync(command, argv, { encoding: 'utf8', cwd: this.dir, timeout: 90_000 });
    if (result.status !== 0) {
      throw new Error(`${tool} ${args.at(-1)} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}\n${this.serverLog()}`);
    }
  }
}

const isRoot = () => userInfo().uid === 0;

// A test runner killed mid-way still takes its clusters down: the fault suite must leave nothing running.
const live = new Set<PrivatePostgres>();
let hooked = false;
function registerForExit(instance: PrivatePostgres): void {
  live.add(instance);
  if (hooked) return;
  hooked = true;
  const destroyAll = () => {
    for (const instance of live) instance.destroy();
  };
  process.once('exit', destroyAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      destroyAll();
      process.kill(process.pid, signal);
    });
  }
}
function unregisterForExit(instance: PrivatePostgres): void {
  live.delete(instance);
}
