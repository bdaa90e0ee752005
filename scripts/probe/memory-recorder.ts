// What the memory probes (gateway-memory.ts, chat-memory.ts) record of the one process they watch,
// started with `--inspect` and `--heapsnapshot-signal=SIGUSR2`: samples.csv (RSS, heap used and
// total, external memory and the size of its /metrics, every 10 s), retained.csv (a full GC through
// the inspector, then the heap in use and RSS, every minute: what a leak grows and warm-up does not)
// and heap snapshots on SIGUSR2 (at the given seconds and whenever snapshot() is called), written to
// the process' --diagnostic-dir for scripts/probe/heap-diff.ts.
import { appendFileSync, writeFileSync } from 'node:fs';
import WebSocket from 'ws';
import type { StartedProcess } from '../../test/support/processes.ts';
import { rssMb } from '../lib/soak/memory.ts';

export interface MemoryRecorderOptions {
  process: StartedProcess;
  inspectPort: string;
  out: string;
  /** Seconds from the start at which a heap snapshot is written. */
  snapshotsAt: number[];
  /** A running count written with each sample (the probe's answers so far). */
  progress: () => number;
  log: (line: string) => void;
}

export interface MemoryRecorder {
  startedAt: number;
  /** A heap snapshot now (written by the process itself, asynchronously). */
  snapshot(): void;
  stop(): void;
}

const MB = 1048576;

/** The process' own heap figures from its /metrics (operations port). */
async function heapOf(operationsUrl: string): Promise<{ heapUsed: number; heapTotal: number; external: number; metricsKb: number }> {
  const text = await (await fetch(`${operationsUrl}/metrics`)).text();
  const pick = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)`, 'm').exec(text)?.[1] ?? NaN) / MB;
  return { heapUsed: pick('nodejs_heap_size_used_bytes'), heapTotal: pick('nodejs_heap_size_total_bytes'), external: pick('nodejs_external_memory_bytes'), metricsKb: text.length / 1024 };
}

export async function recordMemory(options: MemoryRecorderOptions): Promise<MemoryRecorder> {
  const { process: watched, out, log } = options;
  const pid = watched.child.pid!;
  const targets = (await (await fetch(`http://127.0.0.1:${options.inspectPort}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
  const inspector = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  await new Promise((resolve) => inspector.once('open', resolve));
  let callId = 0;
  const cdp = (method: string) =>
    new Promise<{ usedSize?: number }>((resolve) => {
      const id = ++callId;
      const onMessage = (raw: WebSocket.RawData) => {
        const message = JSON.parse(String(raw)) as { id?: number; result: { usedSize?: number } };
        if (message.id !== id) return;
        inspector.off('message', onMessage);
        resolve(message.result);
      };
      inspector.on('message', onMessage);
      inspector.send(JSON.stringify({ id, method }));
    });

  const startedAt = Date.now();
  const second = () => Math.round((Date.now() - startedAt) / 1000);
  writeFileSync(`${out}/retained.csv`, 't,retainedMb,rssAfterGc\n');
  const retained = setInterval(async () => {
    await cdp('HeapProfiler.collectGarbage');
    const usage = await cdp('Runtime.getHeapUsage');
    appendFileSync(`${out}/retained.csv`, `${second()},${(usage.usedSize! / MB).toFixed(2)},${rssMb(pid)?.toFixed(1)}\n`);
  }, 60_000);
  writeFileSync(`${out}/samples.csv`, 't,rss,heapUsed,heapTotal,external,metricsKb,answers\n');
  const samples = setInterval(async () => {
    try {
      const h = await heapOf(watched.operationsUrl!);
      appendFileSync(`${out}/samples.csv`, `${second()},${rssMb(pid)?.toFixed(1)},${h.heapUsed.toFixed(1)},${h.heapTotal.toFixed(1)},${h.external.toFixed(1)},${h.metricsKb.toFixed(0)},${options.progress()}\n`);
    } catch (error) {
      log(`sample failed ${(error as Error).message}`);
    }
  }, 10_000);
  const snapshot = () => {
    log(`heap snapshot of ${watched.name} at ${second()} s`);
    watched.child.kill('SIGUSR2');
  };
  const timers = options.snapshotsAt.map((at) => setTimeout(snapshot, at * 1000));
  return {
    startedAt,
    snapshot,
    stop() {
      clearInterval(retained);
      clearInterval(samples);
      for (const timer of timers) clearTimeout(timer);
      inspector.close();
    },
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `kill -9` the victims in turn, one every `everySeconds`, until `until` (ms); each is restarted before the next. */
export async function killInTurn(
  system: { killAndRestart(name: string): Promise<unknown> },
  victims: string[],
  everySeconds: number,
  until: number,
  log: (line: string) => void,
): Promise<void> {
  let turn = 0;
  while (Date.now() + everySeconds * 1000 < until) {
    await pause(everySeconds * 1000);
    const victim = victims[turn++ % victims.length]!;
    log(`kill -9 ${victim}`);
    try {
      await system.killAndRestart(victim);
      log(`${victim} back`);
    } catch (error) {
      log(`restart failed ${(error as Error).message}`);
    }
  }
}

/**
 * The end of a probe once its load is over: a minute idle (what is still retained then is not work in
 * flight), the last heap snapshot, 30 s more of samples, then everything closed and the process exits.
 */
export async function finishProbe(
  recorder: MemoryRecorder,
  running: { client: { answers: unknown[] }; subs: { close(): Promise<void> }; system: { stop(): Promise<void> } },
  log: (line: string) => void,
): Promise<never> {
  await pause(60_000);
  recorder.snapshot();
  await pause(30_000);
  recorder.stop();
  running.client.answers.length = 0;
  await running.subs.close();
  await running.system.stop();
  log('done');
  process.exit(0);
}
