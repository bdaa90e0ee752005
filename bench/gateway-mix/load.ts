// Closed-loop load with a different request on every call: `connections` clients on keep-alive
// sockets send back to back for `durationMs`, each drawing from its own deterministic stream. An
// answer counts as an error unless it is HTTP 200 with data and no GraphQL `errors`: a peer that
// answers fast with errors is a broken peer, not a fast one (the bench fails on any).
import { Agent, request } from 'node:http';
import type { MixRequest } from './workloads.ts';

export interface MixLoadResult {
  requests: number;
  errors: number;
  /** The first few failing answers, for the report. */
  errorSamples: string[];
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  seconds: number;
}

export interface Answer {
  status: number;
  text: string;
}

/** One POST of a GraphQL body (with the member's token when it has one). */
export function post(url: string, call: MixRequest, agent?: Agent): Promise<Answer> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(call.body) };
    if (call.token) headers.authorization = `Bearer ${call.token}`;
    const req = request({ hostname, port, path: pathname, method: 'POST', agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(call.body);
  });
}

/** Whether an answer is a clean GraphQL success (no `errors` member, non-null data). */
export function isCleanAnswer(answer: Answer): boolean {
  // A cheap check first (most answers are clean), the parse only when "errors" appears anywhere.
  if (answer.status !== 200 || !answer.text.startsWith('{') || answer.text.includes('"data":null')) return false;
  if (!answer.text.includes('"errors"')) return answer.text.includes('"data"');
  try {
    const parsed = JSON.parse(answer.text) as { data?: unknown; errors?: unknown };
    return parsed.errors === undefined && parsed.data != null;
  } catch {
    return false;
  }
}

export async function runLoad(url: string, streams: Array<() => MixRequest>, durationMs: number): Promise<MixLoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: streams.length });
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    streams.map(async (next) => {
      while (performance.now() < deadline) {
        const call = next();
        const t0 = performance.now();
        let answer: Answer;
        try {
          answer = await post(url, call, agent);
        } catch (error) {
          answer = { status: 0, text: (error as Error).message };
        }
        latencies.push(performance.now() - t0);
        if (!isCleanAnswer(answer)) {
          errors++;
          if (errorSamples.length < 3) errorSamples.push(`${answer.status} ${answer.text.slice(0, 300)} ← ${call.body.slice(0, 160)}`);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0) * 100) / 100;
  return { requests: latencies.length, errors, errorSamples, requestsPerSecond: latencies.length / seconds, p50Ms: pct(0.5), p99Ms: pct(0.99), seconds };
}
