// Resident memory of every process of the system, sampled from /proc/<pid>/status, and whether it
// stays flat: the least-squares slope of RSS per process incarnation once it is warm. Every
// incarnation gets the same warm-up: the processes that run from the start are judged after the
// first third of the run (the "last 20 minutes" of 30), so one the chaos loop restarted is
// judged from a third of the run after its own start, not sooner. A fresh process grows for minutes
// with no leak: V8 sizes its heap from what it sees, compiles hot code, the allocator keeps what it
// freed (bench/RESULTS.md, "Soak with faults": a gateway restarted 15 minutes in grew +4.16 MB/min
// over its first 14 minutes while its heap after a full GC stayed flat in the reproduction).
import { readFileSync } from 'node:fs';

export interface MemorySample {
  at: number;
  name: string;
  pid: number;
  rssMb: number;
}

/** One process start (pid) and what its memory did. */
export interface IncarnationMemory {
  pid: number;
  /** Seconds from the load's start to its first sample (≤ 0: running from the start). */
  startedAtSecond: number;
  samples: number;
  firstMb: number;
  peakMb: number;
  lastMb: number;
  /** The slope over its judged part (null when it was too young to be judged). */
  slopeMbPerMinute: number | null;
  judged: boolean;
}

export interface MemoryVerdict {
  name: string;
  /** The incarnation the slope is of (the steepest of the judged ones). */
  pid: number;
  samples: number;
  firstMb: number;
  lastMb: number;
  slopeMbPerMinute: number | null;
  flat: boolean;
  note?: string;
  incarnations: IncarnationMemory[];
}

export function rssMb(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null; // gone (killed between the listing and the read)
  }
}

export class MemorySampler {
  readonly samples: MemorySample[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly processes: () => Array<{ name: string; pid: number }>) {}

  start(everyMs: number): void {
    const sample = () => {
      const at = Date.now();
      for (const { name, pid } of this.processes()) {
        const rss = rssMb(pid);
        if (rss !== null) this.samples.push({ at, name, pid, rssMb: rss });
      }
    };
    sample();
    this.timer = setInterval(sample, everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * Per process: each incarnation is judged on its samples from `warmUpMs` after it started (or
   * after the load started, for those running before), when they span at least `minWindowMs` (a
   * line through less is noise); flat when every judged incarnation's slope is below the limit.
   * An incarnation too young for that is listed, not judged; a process none of whose incarnations
   * can be judged (restarted early and again late) is reported as not judged.
   */
  verdicts(options: { loadStartedAt: number; warmUpMs: number; minWindowMs: number; limitMbPerMinute: number }): MemoryVerdict[] {
    const names = [...new Set(this.samples.map((s) => s.name))];
    return names.map((name) => {
      const ofName = this.samples.filter((s) => s.name === name);
      const pids = [...new Set(ofName.map((s) => s.pid))];
      const judgedParts: Array<{ pid: number; part: MemorySample[]; slope: number }> = [];
      const incarnations = pids.map((pid): IncarnationMemory => {
        const samples = ofName.filter((s) => s.pid === pid);
        const bornAt = samples[0]!.at;
        const from = Math.max(bornAt, options.loadStartedAt) + options.warmUpMs;
        const part = samples.filter((s) => s.at >= from);
        const judged = part.length >= 3 && part.at(-1)!.at - part[0]!.at >= options.minWindowMs;
        const slope = judged ? slopePerMinute(part.map((s) => [s.at, s.rssMb])) : null;
        if (slope !== null) judgedParts.push({ pid, part, slope });
        return {
          pid,
          startedAtSecond: Math.round((bornAt - options.loadStartedAt) / 1000),
          samples: samples.length,
          firstMb: round(samples[0]!.rssMb),
          peakMb: round(Math.max(...samples.map((s) => s.rssMb))),
          lastMb: round(samples.at(-1)!.rssMb),
          slopeMbPerMinute: slope === null ? null : round(slope),
          judged,
        };
      });
      const steepest = judgedParts.sort((a, b) => b.slope - a.slope)[0];
      if (!steepest) {
        const last = ofName.at(-1)!;
        return {
          name, pid: last.pid, samples: 0, firstMb: 0, lastMb: round(last.rssMb), slopeMbPerMinute: null, flat: true, incarnations,
          note: `no incarnation lived ${Math.round((options.warmUpMs + options.minWindowMs) / 60_000)} min (warm-up and a window) within the run; not judged`,
        };
      }
      const { pid, part, slope } = steepest;
      return {
        name, pid, samples: part.length, firstMb: round(part[0]!.rssMb), lastMb: round(part.at(-1)!.rssMb), slopeMbPerMinute: round(slope), flat: slope < options.limitMbPerMinute, incarnations,
        ...(pids.length > 1 ? { note: `${pids.length} incarnations, ${judgedParts.length} judged` } : {}),
      };
    });
  }
}

/** Least-squares slope of y over x (x in ms), per minute. */
export function slopePerMinute(points: Array<[number, number]>): number {
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 60_000;
}

const round = (n: number) => Math.round(n * 100) / 100;
