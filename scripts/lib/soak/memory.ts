// Resident memory of every process of the system, sampled from /proc/<pid>/status, and whether it
// stays flat: the least-squares slope of RSS over the last two thirds of the run, per process. A
// process restarted by the chaos loop is judged on its current incarnation only, from one warm-up
// period after it started (a fresh process grows while it compiles and fills its caches).
import { readFileSync } from 'node:fs';

export interface MemorySample {
  at: number;
  name: string;
  pid: number;
  rssMb: number;
}

export interface MemoryVerdict {
  name: string;
  pid: number;
  samples: number;
  firstMb: number;
  lastMb: number;
  slopeMbPerMinute: number | null;
  flat: boolean;
  note?: string;
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
   * For each process (its last incarnation): the slope over samples from `from` (the start of the
   * last 2/3) and at least `warmUpMs` after the incarnation's first sample; flat when below `limit`.
   */
  verdicts(options: { from: number; warmUpMs: number; limitMbPerMinute: number; minSamples: number }): MemoryVerdict[] {
    const names = [...new Set(this.samples.map((s) => s.name))];
    return names.map((name) => {
      const ofName = this.samples.filter((s) => s.name === name);
      const pid = ofName.at(-1)!.pid;
      const incarnation = ofName.filter((s) => s.pid === pid);
      const bornAt = incarnation[0]!.at;
      const judged = incarnation.filter((s) => s.at >= options.from && s.at >= bornAt + options.warmUpMs);
      const base = { name, pid, samples: judged.length, firstMb: round(judged[0]?.rssMb ?? 0), lastMb: round(judged.at(-1)?.rssMb ?? 0) };
      if (judged.length < options.minSamples) {
        // Too few points to fit a line (restarted late in a short run): reported, not judged.
        return { ...base, slopeMbPerMinute: null, flat: true, note: `only ${judged.length} samples after warm-up (restarted late); not judged` };
      }
      const slope = slopePerMinute(judged.map((s) => [s.at, s.rssMb]));
      return { ...base, slopeMbPerMinute: round(slope), flat: slope < options.limitMbPerMinute };
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
