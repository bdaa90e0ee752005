// What bench/chat-throughput.ts reads besides its own clocks: a process' CPU time (/proc), the chat
// service's screening histogram (its operations port's /metrics), the monitor's lag behind chat
// (the two services' own tables: chat's outbox and the monitor consumer's processed_events), and
// cleanup of the throw-away database and Redis keys.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { Redis } from 'ioredis';

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** CPU seconds (user + system) a process used so far. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const METRIC = 'anshim_chat_screening_seconds';

/** A Prometheus histogram's cumulative buckets (upper bound in seconds → count), sum and count. */
export class Histogram {
  constructor(
    readonly buckets: Array<[number, number]>,
    readonly sum: number,
    readonly count: number,
  ) {}

  minus(before: Histogram): Histogram {
    return new Histogram(
      this.buckets.map(([le, n], i) => [le, n - (before.buckets[i]?.[1] ?? 0)]),
      this.sum - before.sum,
      this.count - before.count,
    );
  }

  meanMs(): number {
    return this.count > 0 ? (this.sum / this.count) * 1000 : Number.NaN;
  }

  /** The upper bound of the bucket the q-quantile falls in (ms): "at most this long". */
  quantileMs(q: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = q * this.count;
    const bucket = this.buckets.find(([, n]) => n >= rank);
    return bucket ? bucket[0] * 1000 : Number.POSITIVE_INFINITY;
  }
}

/** The screening histogram from a chat process' /metrics, or null when it has none. */
export async function histogramOf(operationsUrl: string): Promise<Histogram | null> {
  return parseHistogram(await (await fetch(`${operationsUrl}/metrics`)).text(), METRIC);
}

/** One histogram series from a /metrics text (`match` narrows to the series whose labels hold it, e.g. `step="store"`). */
function parseHistogram(text: string, metric: string, match = ''): Histogram | null {
  const buckets: Array<[number, number]> = [];
  const ours = (labels: string) => labels.includes(match);
  for (const found of text.matchAll(new RegExp(`^${metric}_bucket\\{([^}]*)\\} ([\\d.e+-]+)$`, 'gm'))) {
    const le = /le="([^"]+)"/.exec(found[1]!)?.[1];
    if (le && le !== '+Inf' && ours(found[1]!)) buckets.push([Number(le), Number(found[2])]);
  }
  const number = (suffix: string) => {
    for (const found of text.matchAll(new RegExp(`^${metric}_${suffix}(?:\\{([^}]*)\\})? ([\\d.e+-]+)$`, 'gm'))) if (ours(found[1] ?? '')) return Number(found[2]);
    return Number.NaN;
  };
  const count = number('count');
  if (!Number.isFinite(count)) return null;
  return new Histogram(buckets.sort((a, b) => a[0] - b[0]), number('sum'), count);
}

/** What chat's send waited on (send-timings.ts): each step of the send path, and the pool's connection waits and holds by use. */
export const SEND_WAITS = ['facts', 'rate_limit', 'screen', 'registry', 'turn', 'store', 'publish', 'pool wait statement', 'pool wait transaction', 'pool hold statement', 'pool hold transaction'] as const;
export type SendWait = (typeof SEND_WAITS)[number];

export interface SendWaits {
  histograms: Map<SendWait, Histogram>;
  /** prom-client's event-loop delay since the previous scrape (it resets on each): mean, p99, max in ms. */
  eventLoopMs: { mean: number; p99: number; max: number };
}

/** One scrape of chat's /metrics. The event-loop figures cover the time since the previous scrape. */
export async function sendWaitsOf(operationsUrl: string): Promise<SendWaits> {
  const text = await (await fetch(`${operationsUrl}/metrics`)).text();
  const histograms = new Map<SendWait, Histogram>();
  for (const wait of SEND_WAITS) {
    const pool = /^pool (wait|hold) (\w+)$/.exec(wait);
    const histogram = pool ? parseHistogram(text, `anshim_chat_db_pool_${pool[1]}_seconds`, `use="${pool[2]}"`) : parseHistogram(text, 'anshim_chat_send_step_seconds', `step="${wait}"`);
    if (histogram) histograms.set(wait, histogram);
  }
  const gauge = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([\\d.e+-]+)$`, 'm').exec(text)?.[1] ?? Number.NaN) * 1000;
  return { histograms, eventLoopMs: { mean: gauge('nodejs_eventloop_lag_mean_seconds'), p99: gauge('nodejs_eventloop_lag_p99_seconds'), max: gauge('nodejs_eventloop_lag_max_seconds') } };
}

/** after − before, per wait: "facts 2,381 × mean 1.2 ms (p50 ≤ 1, p99 ≤ 5 ms)" lines for the log. */
export function describeWaits(before: SendWaits, after: SendWaits): string {
  const ms = (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n.toFixed(0)) : n > 0 ? '>2500' : '–');
  const lines = SEND_WAITS.flatMap((wait) => {
    const a = after.histograms.get(wait);
    const b = before.histograms.get(wait);
    if (!a || !b) return [];
    const d = a.minus(b);
    return [`${wait} ${d.count} × mean ${ms(d.meanMs())} ms (p50 ≤ ${ms(d.quantileMs(0.5))}, p99 ≤ ${ms(d.quantileMs(0.99))} ms)`];
  });
  const loop = after.eventLoopMs;
  return [...lines, `event-loop delay mean ${ms(loop.mean)}, p99 ${ms(loop.p99)}, max ${ms(loop.max)} ms`].join('\n    ');
}

/** Events chat's consumer recorded since `since` (its processed_events): the monitor's actions, alerts, copies. */
/** Events chat's consumer recorded since `since`, and how many of each type (found in the producers' outbox tables, same database). */
export async function chatConsumedSince(databaseUrl: string, since: Date): Promise<{ total: number; byType: string }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows: schemas } = await client.query<{ schema: string }>(
      `SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'outbox_events' AND table_schema <> 'svc_chat' ORDER BY 1`,
    );
    const outboxes = schemas.map(({ schema }) => `SELECT id, type FROM ${client.escapeIdentifier(schema)}.outbox_events`).join(' UNION ALL ');
    const { rows } = await client.query<{ type: string | null; n: number }>(
      `SELECT o.type, count(*)::int AS n FROM svc_chat.processed_events p
         LEFT JOIN (${outboxes || 'SELECT NULL::uuid AS id, NULL::text AS type'}) o ON o.id = p.event_id
        WHERE p.processed_at >= $1 AT TIME ZONE 'UTC' GROUP BY 1 ORDER BY 2 DESC`,
      [since],
    );
    const total = rows.reduce((sum, row) => sum + row.n, 0);
    return { total, byType: rows.map((row) => `${row.type ?? 'unknown'} ${row.n}`).join(', ') };
  } finally {
    await client.end();
  }
}

/**
 * chat.message_screened events written since `since` (in the send's transaction: chat's outbox)
 * and how long until the monitor's consumer recorded each (processed_events, in the transaction
 * that applies it). Waits up to 30 s for the monitor to drain what it has started to consume.
 */
export async function monitorLag(databaseUrl: string, since: Date): Promise<{ events: number; consumed: number; p50Ms: number; p99Ms: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const read = async () =>
      (
        await client.query<{ lag_ms: number | null }>(
          `SELECT EXTRACT(EPOCH FROM (p.processed_at - o.created_at)) * 1000 AS lag_ms
             FROM svc_chat.outbox_events o
             LEFT JOIN svc_monitor.processed_events p ON p.event_id = o.id AND p.consumer = 'monitor'
            WHERE o.type = 'chat.message_screened' AND o.created_at >= $1`,
          [since],
        )
      ).rows;
    let rows = await read();
    const deadline = Date.now() + 30_000;
    let consumed = rows.filter((r) => r.lag_ms !== null).length;
    // Something consumed but not all yet: give the consumer time (nothing consumed at all: it does not listen).
    while (consumed > 0 && consumed < rows.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      rows = await read();
      consumed = rows.filter((r) => r.lag_ms !== null).length;
    }
    const lags = rows.flatMap((r) => (r.lag_ms === null ? [] : [Number(r.lag_ms)])).sort((a, b) => a - b);
    return { events: rows.length, consumed: lags.length, p50Ms: percentile(lags, 50), p99Ms: percentile(lags, 99) };
  } finally {
    await client.end();
  }
}

export async function dropBenchData(admin: URL, databaseUrl: string, redisUrl: string, redisPrefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${new URL(databaseUrl).pathname.slice(1)}" WITH (FORCE)`);
  await client.end();
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  for (let cursor = '0'; ; ) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 1000);
    if (keys.length) await redis.unlink(...keys);
    if ((cursor = next) === '0') break;
  }
  redis.disconnect();
}
