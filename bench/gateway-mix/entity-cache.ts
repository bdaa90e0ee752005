// gateway-mix's entity cache figures (docs/caching.md): the hit ratio of our gateway per workload
// (from its /metrics, counted around each of its timed runs) and the invalidation lag: from an
// ADMIN's recalculateSafetyScore returning (the new score committed, score_changed in the outbox) to
// the first anonymous read through the gateway that shows the new version.
import { signAccessToken } from '@anshim/platform';

export interface CacheCounts {
  hits: number;
  misses: number;
  /** `_entities` fetches the cache may not answer (unhinted fields, e.g. Product.riskWarnings). */
  bypassed: number;
}

export async function entityCacheCounts(operationsUrl: string): Promise<CacheCounts> {
  const text = await (await fetch(`${operationsUrl}/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^gateway_entity_cache_${name}_total(?:\\{[^}]*\\})? (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { hits: read('hits'), misses: read('misses'), bypassed: read('bypassed') };
}

const SCORE = `query Seller($id: ID!) { user(id: $id) { nickname safetyDisplay { grade label } safetyScore { value version } } }`;
const RECALCULATE = `mutation($id: ID!) { recalculateSafetyScore(userId: $id) { version } }`;

async function call<T>(url: string, query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors || !body.data) throw new Error(`invalidation probe: ${JSON.stringify(body.errors ?? body).slice(0, 400)}`);
  return body.data;
}

/**
 * One lag sample per member: warm the anonymous entry (two reads, the second a hit), recalculate as an
 * ADMIN, then read anonymously every 5 ms until the version moves. Milliseconds, in order.
 */
export async function invalidationLags(gatewayUrl: string, jwtSecret: string, adminId: string, members: string[]): Promise<number[]> {
  const admin = (await signAccessToken(jwtSecret, { userId: adminId, role: 'ADMIN' })).token;
  const lags: number[] = [];
  for (const id of members) {
    await call(gatewayUrl, SCORE, { id });
    const before = await call<{ user: { safetyScore: { version: number } } }>(gatewayUrl, SCORE, { id });
    const { recalculateSafetyScore } = await call<{ recalculateSafetyScore: { version: number } }>(gatewayUrl, RECALCULATE, { id }, admin);
    if (recalculateSafetyScore.version <= before.user.safetyScore.version) continue; // nothing changed: no sample
    const committed = performance.now();
    for (;;) {
      const seen = await call<{ user: { safetyScore: { version: number } } }>(gatewayUrl, SCORE, { id });
      if (seen.user.safetyScore.version >= recalculateSafetyScore.version) break;
      if (performance.now() - committed > 30_000) throw new Error(`invalidation probe: ${id} still shows version ${seen.user.safetyScore.version} after 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    lags.push(performance.now() - committed);
  }
  return lags.sort((a, b) => a - b);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
