// A PostgreSQL cluster of the fault suite's own, in a temporary directory on a free port: the suite
// stops and starts it at will, which it must never do to the machine's shared server (other runs
// and CI use it at the same time). initdb and postgres refuse to run as root, so as root they run
// as the `postgres` system user through runuser; as any other user they run as that user.
import { spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, waitUntil } from './free-port.ts';

const BIN = process.env.FAULTS_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const SYSTEM_USER = 'postgres';

export interface PrivatePostgresOptions {
  /**
   * Written into postgresql.conf before the first start (e.g. WAL archiving); later lines win. A
   * function gets the instance first, for paths inside its directory (`subdirectory()`).
   */
  settings?: Record<string, string> | ((instance: PrivatePostgres) => Record<string, string>);
  /** Keep fsync and full-page writes on (a backup and restore drill); off by default, for speed. */
  durable?: boolean;
}

export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly durable: boolean,
  ) {}

  /** Creates and starts a fresh cluster (superuser `root`, trust auth on 127.0.0.1 only). */
  static async create(options: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
    return PrivatePostgres.prepare((instance) => {
      // C.UTF-8 like the shared server: pg_trgm only treats Korean letters as letters under a UTF-8 ctype.
      instance.runTool('initdb', ['-D', instance.dataDir, '-U', 'root', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
    }, options);
  }

  /**
   * A cluster whose data directory `fill` makes (initdb, or a copy of a base backup), then
   * `options.settings` appended to its postgresql.conf, then started.
   */
  static async prepare(fill: (instance: PrivatePostgres) => void, options: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
    if (!existsSync(join(BIN, 'initdb'))) throw new Error(`no PostgreSQL binaries in ${BIN} (set FAULTS_PG_BIN)`);
    const dir = mkdtempSync(join(tmpdir(), 'anshim-faults-pg-'));
    const instance = new PrivatePostgres(dir, await freePort(), options.durable ?? false);
    registerForExit(instance);
    try {
      instance.ownedByServerUser(dir);
      fill(instance);
      if (options.settings) instance.configure(typeof options.settings === 'function' ? options.settings(instance) : options.settings);
      await instance.start();
      return instance;
    } catch (error) {
      instance.destroy();
      throw error;
    }
  }

  /** Appends settings to postgresql.conf (they apply on the next start or reload). */
  configure(settings: Record<string, string>): void {
    const lines = Object.entries(settings).map(([name, value]) => `${name} = '${value.replaceAll("'", "''")}'`);
    appendFileSync(join(this.dataDir, 'postgresql.conf'), `\n# added by private-postgres.ts\n${lines.join('\n')}\n`);
  }

  /** A directory under this cluster's temporary directory that the server's user owns (e.g. a WAL archive). */
  subdirectory(name: string): string {
    const path = join(this.dir, name);
    mkdirSync(path, { recursive: true, mode: 0o700 });
    this.ownedByServerUser(path);
    return path;
  }

  private ownedByServerUser(path: string): void {
    if (!isRoot()) return;
    const ids = spawnSync('id', ['-u', SYSTEM_USER], { encoding: 'utf8' });
    const gids = spawnSync('id', ['-g', SYSTEM_USER], { encoding: 'utf8' });
    if (ids.status !== 0) throw new Error(`running as root needs the "${SYSTEM_USER}" system user to run PostgreSQL`);
    chownSync(path, Number(ids.stdout.trim()), Number(gids.stdout.trim()));
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
      ...(this.durable ? [] : ['-c fsync=off', '-c full_page_writes=off']),
      '-c max_connections=300',
    ].join(' ');
    this.runTool('pg_ctl', ['-D', this.dataDir, '-l', join(this.dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
    await waitUntil(() => this.ping(), (ok) => ok, 30_000, `PostgreSQL on port ${this.port}`);
  }

  /**
   * Stops the server. `fast` rolls back open transactions and closes every connection (a
   * restart by an operator); `immediate` is a crash (recovery on the next start).
   */
  stop(mode: 'fast' | 'immediate' = 'fast'): void {
    this.runTool('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
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

  /** The server log's last `lines` lines. */
  serverLog(lines = 40): string {
    try {
      return readFileSync(join(this.dir, 'server.log'), 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  /** Runs a PostgreSQL program (`pg_basebackup`, ...) as the server's user; returns its output. */
  runTool(tool: string, args: string[]): string {
    return this.runAsServerUser(join(BIN, tool), args);
  }

  /** Runs any program as the server's user (files it writes stay readable by the server). */
  runAsServerUser(program: string, args: string[]): string {
    const command = isRoot() ? 'runuser' : program;
    const argv = isRoot() ? ['-u', SYSTEM_USER, '--', program, ...args] : args;
    const result = spawnSync(command, argv, { encoding: 'utf8', cwd: this.dir, timeout: 300_000 });
    if (result.status !== 0) {
      throw new Error(`${program.split('/').at(-1)} ${args.at(-1)} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}\n${this.serverLog()}`);
    }
    return result.stdout;
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
