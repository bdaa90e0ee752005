// The chaos loop: at the planned moments it kill -9s a random service process (and starts it again
// with the same environment), stops and starts Redis and PostgreSQL (the soak's private ones), and
// switches the SMS vendor into an outage. Each fault is recorded as a window (from its start until
// the system is back plus a recovery grace): answers outside every window must not be 5xx.
import type { ChaosPlan } from './options.ts';
import type { SoakSystem } from './system.ts';

export interface FaultWindow {
  kind: 'kill' | 'redis-restart' | 'postgres-restart' | 'sms-outage';
  target: string;
  start: number;
  /** When the fault ended (process ready, server answering, vendor back). */
  end: number;
  /** Until when errors are excused (end + recovery grace); the SMS outage excuses no 5xx. */
  excusedUntil: number;
  detail?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A small seeded generator (mulberry32), so a run's choice of victims can be repeated. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export class ChaosLoop {
  readonly windows: FaultWindow[] = [];
  readonly failures: string[] = [];
  private readonly random: () => number;
  private stopped = false;

  constructor(
    private readonly system: SoakSystem,
    private readonly plan: ChaosPlan,
    seed: number,
    private readonly log: (line: string) => void,
  ) {
    this.random = seeded(seed);
  }

  /** Runs the plan from `startedAt`; resolves when every planned fault is over. */
  async run(startedAt: number): Promise<void> {
    const steps: Array<{ at: number; act: () => Promise<void> }> = [];
    for (const at of this.plan.killsAt) steps.push({ at, act: () => this.kill() });
    if (this.plan.redisRestartAt !== null) steps.push({ at: this.plan.redisRestartAt, act: () => this.restartRedis() });
    if (this.plan.postgresRestartAt !== null) steps.push({ at: this.plan.postgresRestartAt, act: () => this.restartPostgres() });
    const outage = this.plan.smsOutage ? this.smsOutage(startedAt, this.plan.smsOutage) : Promise.resolve();
    for (const step of steps.sort((a, b) => a.at - b.at)) {
      const wait = startedAt + step.at * 1_000 - Date.now();
      if (wait > 0) await sleep(wait);
      if (this.stopped) break;
      try {
        await step.act();
      } catch (error) {
        // A fault the system did not come back from: recorded, and the run reports it as failed.
        this.failures.push(`${new Date().toISOString()} ${(error as Error).message.slice(0, 1_000)}`);
        this.log(`chaos step failed: ${(error as Error).message.slice(0, 500)}`);
      }
    }
    await outage;
  }

  stop(): void {
    this.stopped = true;
  }

  /** A request from `from` to `to` is excused when it overlaps a window: one in flight when a process died may fail too (the SMS outage excuses nothing). */
  excused(from: number, to: number): FaultWindow | undefined {
    return this.windows.find((w) => w.kind !== 'sms-outage' && from <= w.excusedUntil && to >= w.start);
  }

  private record(kind: FaultWindow['kind'], target: string, start: number, detail?: string): FaultWindow {
    const end = Date.now();
    const window = { kind, target, start, end, excusedUntil: end + this.plan.recoverySeconds * 1_000, ...(detail ? { detail } : {}) };
    this.windows.push(window);
    return window;
  }

  private async kill(): Promise<void> {
    const candidates = this.system.killable();
    const victim = candidates[Math.floor(this.random() * candidates.length)]!;
    const start = Date.now();
    // Open-ended until the restart is done: a failed restart leaves the window open to the end.
    const open: FaultWindow = { kind: 'kill', target: victim, start, end: Number.POSITIVE_INFINITY, excusedUntil: Number.POSITIVE_INFINITY };
    this.windows.push(open);
    this.log(`chaos: kill -9 ${victim}`);
    const result = await this.system.killAndRestart(victim);
    this.windows.splice(this.windows.indexOf(open), 1);
    this.record('kill', victim, start, `pid ${result.pid} → ${result.newPid}, restarted in ${result.restartMs} ms`);
    this.log(`chaos: ${victim} back (pid ${result.newPid}) after ${Date.now() - start} ms`);
  }

  private async restartRedis(): Promise<void> {
    const start = Date.now();
    const open: FaultWindow = { kind: 'redis-restart', target: 'redis', start, end: Number.POSITIVE_INFINITY, excusedUntil: Number.POSITIVE_INFINITY };
    this.windows.push(open);
    this.log('chaos: Redis stops');
    await this.system.stack.redis.stop('SIGTERM');
    await sleep(this.plan.downSeconds * 1_000);
    await this.system.stack.redis.start();
    this.windows.splice(this.windows.indexOf(open), 1);
    this.record('redis-restart', 'redis', start, `down ${this.plan.downSeconds} s`);
    this.log('chaos: Redis back');
  }

  private async restartPostgres(): Promise<void> {
    const start = Date.now();
    const open: FaultWindow = { kind: 'postgres-restart', target: 'postgres', start, end: Number.POSITIVE_INFINITY, excusedUntil: Number.POSITIVE_INFINITY };
    this.windows.push(open);
    this.log('chaos: PostgreSQL stops (fast)');
    this.system.stack.postgres.stop('fast');
    await sleep(this.plan.downSeconds * 1_000);
    await this.system.stack.postgres.start();
    this.windows.splice(this.windows.indexOf(open), 1);
    this.record('postgres-restart', 'postgres', start, `down ${this.plan.downSeconds} s`);
    this.log('chaos: PostgreSQL back');
  }

  private async smsOutage(startedAt: number, outage: { from: number; seconds: number }): Promise<void> {
    const wait = startedAt + outage.from * 1_000 - Date.now();
    if (wait > 0) await sleep(wait);
    const start = Date.now();
    this.system.sms.setOutage(true);
    this.log(`chaos: SMS vendor answers 503 for ${outage.seconds} s`);
    await sleep(outage.seconds * 1_000);
    this.system.sms.setOutage(false);
    this.record('sms-outage', 'sms-vendor', start, `${outage.seconds} s of HTTP 503`);
    this.log('chaos: SMS vendor back');
  }
}
