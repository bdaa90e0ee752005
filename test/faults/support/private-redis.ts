// A Redis of the fault suite's own on a free port, which it stops and starts at will (never the
// machine's shared Redis). It keeps an append-only file in its temporary directory, as a Redis that
// carries BullMQ queues must in production: a restart keeps the queued events. `persistent: false`
// gives the bare cache-only setup (`--save "" --appendonly no`), which loses them.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, waitUntil } from './free-port.ts';

export class PrivateRedis {
  private child: ChildProcess | undefined;
  private output: string[] = [];

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly persistent: boolean,
  ) {}

  static async create(options: { persistent?: boolean } = {}): Promise<PrivateRedis> {
    const instance = new PrivateRedis(mkdtempSync(join(tmpdir(), 'anshim-faults-redis-')), await freePort(), options.persistent ?? true);
    live.add(instance);
    hookExit();
    try {
      await instance.start();
      return instance;
    } catch (error) {
      await instance.destroy();
      throw error;
    }
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    if (this.running) return;
    const durability = this.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', ...durability, '--daemonize', 'no', '--loglevel', 'warning'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 200) this.output.shift();
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    await waitUntil(() => this.ping(), (ok) => ok, 15_000, `Redis on port ${this.port}: ${this.output.join('')}`);
  }

  /** `SIGTERM` is an orderly shutdown; `SIGKILL` a crash. Resolves once the process is gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  async ping(): Promise<boolean> {
    const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, connectTimeout: 1_000 });
    client.on('error', () => undefined); // refused while starting: that is what the probe asks
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }

  async destroy(): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
    live.delete(this);
  }
}

const live = new Set<PrivateRedis>();
let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  // Synchronous last resort when the runner exits without the test's own cleanup.
  process.once('exit', () => {
    for (const instance of live) {
      try {
        if (instance.running) process.kill((instance as unknown as { child: ChildProcess }).child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      rmSync(instance.dir, { recursive: true, force: true });
    }
  });
}
