// What bench/subscription-city.ts reads besides the members' clocks: a process's RSS and CPU time
// (/proc), its V8 heap in use (its /metrics), whether the subgraphs hold a live subscription for
// each member (Redis: a subgraph's hub subscribes a member's channel when that member's
// subscription reaches it, so PUBSUB NUMSUB proves every upstream subscription live without
// sending 10,000 warm-up alerts), and heap snapshots on request.
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** RSS now and at its highest so far (MB), and CPU seconds (user + system) used so far by a process, from /proc. */
export function usage(pid: number): { rssMb: number; peakRssMb: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024, cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100 };
}

/** Waits (up to `timeoutMs`) until a process uses under 10% of a core over a whole second. */
export async function quiet(pid: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const before = usage(pid).cpuSeconds;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    if (usage(pid).cpuSeconds - before < 0.1) return;
  }
}

/** nodejs_heap_size_used_bytes from a process's /metrics (on its operations port), in MB. */
export async function heapUsedMb(operationsUrl: string): Promise<number> {
  const text = await (await fetch(`${operationsUrl}/metrics`)).text();
  return Number(/^nodejs_heap_size_used_bytes(?:\{[^}]*\})? ([\d.e+]+)/m.exec(text)?.[1] ?? Number.NaN) / 1024 / 1024;
}

/**
 * Where a process's memory is, from its /metrics (MB): V8 heap used and committed, the young
 * generation's committed part, and memory outside the heap V8 knows of (Buffers): what RSS is
 * made of besides live objects.
 */
export async function memoryDetail(operationsUrl: string): Promise<string> {
  const text = await (await fetch(`${operationsUrl}/metrics`)).text();
  const mb = (pattern: RegExp) => (Number(pattern.exec(text)?.[1] ?? Number.NaN) / 1024 / 1024).toFixed(0);
  return `heap used ${mb(/^nodejs_heap_size_used_bytes(?:\{[^}]*\})? ([\d.e+]+)/m)}, committed ${mb(/^nodejs_heap_size_total_bytes(?:\{[^}]*\})? ([\d.e+]+)/m)} (new space ${mb(/^nodejs_heap_space_size_total_bytes\{[^}]*space="new"[^}]*\} ([\d.e+]+)/m)}), external ${mb(/^nodejs_external_memory_bytes(?:\{[^}]*\})? ([\d.e+]+)/m)} MB`;
}

/** How many of `channels` (full Redis names) have at least one subscriber. */
export async function liveChannels(redis: Redis, channels: string[]): Promise<number> {
  let live = 0;
  for (let i = 0; i < channels.length; i += 1_000) {
    const reply = (await redis.call('PUBSUB', 'NUMSUB', ...channels.slice(i, i + 1_000))) as Array<string | number>;
    for (let k = 1; k < reply.length; k += 2) if (Number(reply[k]) > 0) live++;
  }
  return live;
}

/** Waits until `wanted` of `channels` are live (or none, with wanted 0), saying how far it got every 10 s. */
export async function waitForChannels(redis: Redis, channels: string[], wanted: number, timeoutMs: number, log: (line: string) => void): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let said = Date.now();
  for (;;) {
    const live = await liveChannels(redis, channels);
    if ((wanted === 0 ? live === 0 : live >= wanted) || Date.now() > deadline) return live;
    if (Date.now() - said > 10_000) {
      log(`  ${live}/${channels.length} member channels live, waiting for ${wanted}`);
      said = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/**
 * A heap snapshot of a process started with --heapsnapshot-signal=SIGUSR2 and --diagnostic-dir=dir:
 * signals it and waits until the new file stops growing. Returns its path (for
 * scripts/probe/heap-diff.ts), or undefined when none appeared within the time.
 */
export async function heapSnapshot(pid: number, dir: string, timeoutMs = 300_000): Promise<string | undefined> {
  const before = new Set(existsSync(dir) ? readdirSync(dir) : []);
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + timeoutMs;
  let lastSize = -1;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const file = readdirSync(dir).find((name) => name.endsWith('.heapsnapshot') && !before.has(name));
    if (!file) continue;
    const size = statSync(join(dir, file)).size;
    // Written in one go and closed at the end: two equal sizes 2 s apart, ending in the JSON's close.
    if (size > 0 && size === lastSize && tail(join(dir, file), size).includes('}')) return join(dir, file);
    lastSize = size;
  }
  return undefined;
}

/** The last bytes of a file (a snapshot is hundreds of MB: never read it whole here). */
function tail(path: string, size: number): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(16, size));
    readSync(fd, buffer, 0, buffer.length, size - buffer.length);
    return buffer.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** One histogram series' cumulative bucket counts (le → count), as /metrics has them. */
export type Buckets = Map<number, number>;

/**
 * Every series of histogram `name` on a process' /metrics, keyed by `label`'s value (e.g. stage):
 * the bench reads them before and after its measured window and takes the difference.
 */
export async function histogramBuckets(operationsUrl: string, name: string, label: string): Promise<Map<string, Buckets>> {
  const text = await (await fetch(`${operationsUrl}/metrics`)).text();
  const series = new Map<string, Buckets>();
  const line = new RegExp(`^${name}_bucket\\{([^}]*)\\} ([\\d.e+]+)$`, 'gm');
  for (const [, labels, count] of text.matchAll(line)) {
    const value = new RegExp(`${label}="([^"]*)"`).exec(labels!)?.[1] ?? '';
    const le = /le="([^"]*)"/.exec(labels!)?.[1]!;
    const buckets = series.get(value) ?? new Map<number, number>();
    buckets.set(le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), Number(count));
    series.set(value, buckets);
  }
  return series;
}

/** Each series' `_sum` (seconds), by the label's value: with the buckets' count, a step's mean. */
export async function histogramSums(operationsUrl: string, name: string, label: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${operationsUrl}/metrics`)).text();
  const sums = new Map<string, number>();
  for (const [, labels, sum] of text.matchAll(new RegExp(`^${name}_sum\\{([^}]*)\\} ([\\d.e+-]+)$`, 'gm'))) {
    sums.set(new RegExp(`${label}="([^"]*)"`).exec(labels!)?.[1] ?? '', Number(sum));
  }
  return sums;
}

/** Counts added between two readings of the same series (missing before: all of after). */
export function bucketsSince(after: Buckets | undefined, before: Buckets | undefined): Buckets {
  const since = new Map<number, number>();
  for (const [le, count] of after ?? []) since.set(le, count - (before?.get(le) ?? 0));
  return since;
}

/** The p-th percentile as the upper bound (ms) of the bucket it falls in; NaN without observations. */
export function bucketPercentileMs(buckets: Buckets, p: number): number {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const total = buckets.get(Number.POSITIVE_INFINITY) ?? 0;
  if (total === 0) return Number.NaN;
  const wanted = Math.ceil((p / 100) * total);
  const le = bounds.find((bound) => buckets.get(bound)! >= wanted)!;
  return le * 1000;
}

/** How many observations a series holds. */
export const bucketCount = (buckets: Buckets): number => buckets.get(Number.POSITIVE_INFINITY) ?? 0;
