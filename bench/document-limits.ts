// document-limits: how long a running gateway takes to refuse documents built to burn CPU in
// parsing and validation (issue 16 §3), with the token and shape limits before graphql's
// validation ("after") and with them switched off (EARLY_DOCUMENT_CHECK=false, "before": Apollo
// parses and validates first, our limits run once the operation is resolved). Both gateways run
// side by side in one run, in front of the same user subgraph, alternating request by request.
//   node --import tsx bench/document-limits.ts [requests]      (default: 20 per document and gateway)
// Target: a 3,000-field document is refused in under 50 ms.
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { startProcess } from '../test/support/processes.ts';
import { createBenchStack } from './support/bench-stack.ts';
import { processTreeCpuMs } from './support/cpu.ts';

const MAX_TOKENS = 2_000;

/** Each root field repeated under one response name: OverlappingFieldsCanBeMerged compares every pair. */
const sameRootField = (times: number) => `{ ${'me { id } '.repeat(times)}}`;
/** One field repeated inside one selection: shape-valid (1 root field, depth 2), so only validation can refuse it. */
const sameLeafField = (times: number) => `{ me { ${'id '.repeat(times)}} }`;

interface Sample {
  ms: number[];
  status: number;
  code: string;
}

export interface DocumentLimitsResult {
  document: string;
  tokens: number;
  before: { p50: number; max: number; cpuMsPerRequest: number; answer: string };
  after: { p50: number; max: number; cpuMsPerRequest: number; answer: string };
}

function tokensOf(query: string): number {
  // Names, punctuation and braces are one token each here (no strings or numbers in these documents).
  return (query.match(/[A-Za-z_][A-Za-z0-9_]*|[{}()]/g) ?? []).length;
}

async function send(url: string, query: string): Promise<{ ms: number; status: number; code: string }> {
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  const body = (await response.json()) as { errors?: Array<{ message: string; extensions?: { code?: string; limit?: string } }> };
  const ms = performance.now() - started;
  const error = body.errors?.[0];
  const code = error?.extensions?.code;
  const limit = error?.extensions?.limit;
  // A validation refusal names its rule only in words: keep its first words.
  const why = code === 'GRAPHQL_VALIDATION_FAILED' ? ` (${error!.message.slice(0, 60)}…)` : '';
  return { ms, status: response.status, code: error ? `${code}${limit ? ` ${limit}` : ''}${why}` : 'answered' };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const round = (value: number) => Math.round(value * 10) / 10;

export async function run(requests = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 20)): Promise<DocumentLimitsResult[]> {
  const documents: Array<[string, string]> = [
    ['3,000 fields: `me { id }` ×3,000 at the root', sameRootField(3_000)],
    ['3,000 fields: `id` ×3,000 in one selection', sameLeafField(3_000)],
    [`at the token limit: \`me { id }\` ×${Math.floor((MAX_TOKENS - 2) / 4)} at the root`, sameRootField(Math.floor((MAX_TOKENS - 2) / 4))],
    [`at the token limit: \`id\` ×${MAX_TOKENS - 5} in one selection (shape-valid)`, sameLeafField(MAX_TOKENS - 5)],
  ];
  const stack = await createBenchStack(['user'], { MAX_QUERY_TOKENS: String(MAX_TOKENS) });
  const results: DocumentLimitsResult[] = [];
  try {
    const before = await startProcess(
      'gateway-before',
      'gateway/src/index.ts',
      { ...stack.env, NODE_ENV: 'production', LOG_LEVEL: 'info', GATEWAY_PORT: '0', SUBGRAPH_URLS: JSON.stringify(stack.subgraphUrls), EARLY_DOCUMENT_CHECK: 'false' },
      { timeoutMs: 180_000 },
    );
    try {
      const targets = { before: { url: `http://127.0.0.1:${before.port}/graphql`, pid: before.child.pid! }, after: { url: stack.gatewayUrl, pid: stack.gatewayPid } };
      console.log(`document-limits: ${requests} requests per document and gateway, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
      for (const [name, query] of documents) {
        // One warm-up each (JIT, connection pools), then alternating so both see the same machine.
        await send(targets.before.url, query);
        await send(targets.after.url, query);
        const samples: Record<'before' | 'after', Sample> = { before: { ms: [], status: 0, code: '' }, after: { ms: [], status: 0, code: '' } };
        const cpu = { before: 0, after: 0 };
        for (let i = 0; i < requests; i += 1) {
          for (const side of ['before', 'after'] as const) {
            const cpuBefore = processTreeCpuMs(targets[side].pid);
            const sent = await send(targets[side].url, query);
            cpu[side] += processTreeCpuMs(targets[side].pid) - cpuBefore;
            samples[side].ms.push(sent.ms);
            samples[side].status = sent.status;
            samples[side].code = sent.code;
          }
        }
        const summary = (side: 'before' | 'after') => ({
          p50: round(percentile(samples[side].ms, 50)),
          max: round(Math.max(...samples[side].ms)),
          cpuMsPerRequest: round(cpu[side] / requests),
          answer: `${samples[side].status} ${samples[side].code}`,
        });
        const result = { document: name, tokens: tokensOf(query), before: summary('before'), after: summary('after') };
        results.push(result);
        console.log(
          `  ${name} (${result.tokens} tokens): before p50 ${result.before.p50} ms, max ${result.before.max} ms, ${result.before.cpuMsPerRequest} CPU ms/req → ${result.before.answer} | ` +
            `after p50 ${result.after.p50} ms, max ${result.after.max} ms, ${result.after.cpuMsPerRequest} CPU ms/req → ${result.after.answer}`,
        );
      }
    } finally {
      await before.stop();
    }
  } finally {
    await stack.stop();
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run();
}
