// The soak's answers judged and summed up: no 5xx (or no answer at all) outside the fault windows,
// p50/p99 latency, and the whole report printed as text (the JSON goes to test-artifacts/).
import type { Answer } from './client.ts';
import type { FaultWindow } from './chaos.ts';
import type { MemoryVerdict } from './memory.ts';
import { countBy, type Verdict } from './invariants.ts';

export interface LatencyFigures {
  requests: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function latency(answers: Answer[]): LatencyFigures {
  const sorted = answers.map((a) => a.ms).sort((a, b) => a - b);
  const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);
  return { requests: sorted.length, p50Ms: at(50), p99Ms: at(99), maxMs: Math.round(sorted.at(-1) ?? 0) };
}

/** Overall, outside the fault windows, and per operation (outside the windows). */
export function latencyReport(answers: Answer[], excused: (from: number, to: number) => FaultWindow | undefined): Record<string, unknown> {
  const calm = answers.filter((a) => !excused(a.at, a.at + a.ms));
  const operations = [...new Set(calm.map((a) => a.operation))].sort();
  return {
    all: latency(answers),
    outsideFaults: latency(calm),
    perOperation: Object.fromEntries(operations.map((op) => [op, latency(calm.filter((a) => a.operation === op))])),
  };
}

/**
 * A server error outside every fault window (and its recovery grace) is a failure: an HTTP 5xx, no
 * answer at all, or an answer whose error code is INTERNAL_SERVER_ERROR (a GraphQL error the
 * gateway passed on with 200).
 */
export function no5xx(answers: Answer[], excused: (from: number, to: number) => FaultWindow | undefined, windows: FaultWindow[]): Verdict {
  const bad = answers.filter((a) => a.status >= 500 || a.status === 0 || a.code === 'INTERNAL_SERVER_ERROR');
  const unexcused = bad.filter((a) => !excused(a.at, a.at + a.ms));
  const http = (list: Answer[]) => list.filter((a) => a.status >= 500 || a.status === 0).length;
  return {
    name: 'no 5xx outside the fault windows',
    ok: unexcused.length === 0,
    summary:
      `${answers.length} answers, ${bad.length} server errors (${http(bad)} HTTP 5xx or unanswered, ${bad.length - http(bad)} INTERNAL_SERVER_ERROR with 200), ` +
      `${bad.length - unexcused.length} of them inside ${windows.filter((w) => w.kind !== 'sms-outage').length} fault windows, ${unexcused.length} outside (${http(unexcused)} HTTP 5xx or unanswered)`,
    ...(unexcused.length
      ? { examples: unexcused.slice(0, 8).map((a) => ({ at: new Date(a.at).toISOString(), operation: a.operation, status: a.status, code: a.code, message: a.message })), details: { byOperation: countBy(unexcused, (a) => `${a.operation} ${a.status}`) } }
      : {}),
  };
}

export function memoryVerdict(verdicts: MemoryVerdict[], limit: number): Verdict {
  const growing = verdicts.filter((v) => !v.flat);
  return {
    name: 'memory of every process flat once warm (each incarnation after a third of the run)',
    ok: growing.length === 0,
    summary:
      verdicts
        .map((v) => {
          const restarted = v.incarnations.length > 1 ? ` (${v.incarnations.filter((i) => i.judged).length} of ${v.incarnations.length} incarnations judged)` : '';
          return `${v.name} ${v.slopeMbPerMinute === null ? 'not judged' : `${v.slopeMbPerMinute} MB/min`}${restarted}`;
        })
        .join(', ') + ` (limit ${limit} MB/min)`,
    details: { processes: verdicts },
    ...(growing.length ? { examples: growing } : {}),
  };
}

export function formatReport(report: { verdicts: Verdict[]; latency: Record<string, unknown>; windows: FaultWindow[]; load: Record<string, unknown>; startedAt: string; minutes: number }): string {
  const lines = [`soak: ${report.minutes} minutes from ${report.startedAt}`, '', 'faults:'];
  for (const w of report.windows) lines.push(`  ${new Date(w.start).toISOString()} ${w.kind} ${w.target} (${Math.round((w.end - w.start) / 1000)} s) ${w.detail ?? ''}`);
  lines.push('', 'load:');
  for (const [scenario, count] of Object.entries(report.load)) lines.push(`  ${scenario}: ${JSON.stringify(count)}`);
  const outside = (report.latency as { outsideFaults: { requests: number; p50Ms: number; p99Ms: number } }).outsideFaults;
  const all = (report.latency as { all: { requests: number; p50Ms: number; p99Ms: number } }).all;
  lines.push('', `latency: all ${all.requests} requests p50 ${all.p50Ms} ms p99 ${all.p99Ms} ms; outside fault windows ${outside.requests} requests p50 ${outside.p50Ms} ms p99 ${outside.p99Ms} ms`, '', 'invariants:');
  for (const v of report.verdicts) {
    lines.push(`  ${v.ok ? 'PASS' : 'FAIL'}  ${v.name}: ${v.summary}`);
    if (!v.ok && v.note) lines.push(`        why: ${v.note}`);
    if (!v.ok) for (const example of v.examples ?? []) lines.push(`        e.g. ${JSON.stringify(example).slice(0, 400)}`);
  }
  const failed = report.verdicts.filter((v) => !v.ok).length;
  lines.push('', failed ? `${failed} invariant(s) FAILED` : 'every invariant holds');
  return lines.join('\n');
}
