// Upstream: the gateway's /readyz asks Redis and each subgraph's own /readyz.
import type { ReadinessCheck, Redis } from '@anshim/platform';
import type { Fetcher } from './subgraph-fetcher.ts';

/** `/readyz` next to the subgraph's GraphQL endpoint: http://host:4001/graphql → http://host:4001/readyz. */
export function readinessUrlOf(graphqlUrl: string): string {
  return new URL('readyz', graphqlUrl).toString();
}

/**
 * Redis answers a ping (required: sign-in checks and rate limits need it), and each subgraph
 * answers its own /readyz with a 2xx. Subgraphs are optional checks: with one of them down the
 * gateway still serves the others' fields (partial data with SUBGRAPH_UNAVAILABLE errors), so it
 * stays in the load balancer as `degraded` (200); with all of them down it is unready (503).
 */
export function gatewayReadiness(options: { redis: Redis; subgraphs: ReadonlyMap<string, string>; fetch: Fetcher }): ReadinessCheck[] {
  const redis: ReadinessCheck = { name: 'redis', check: () => options.redis.ping() };
  return [
    redis,
    ...[...options.subgraphs].map(([name, url]): ReadinessCheck => ({
      name: `subgraph:${name}`,
      optional: true,
      check: async () => {
        const response = await options.fetch(readinessUrlOf(url), { method: 'GET' });
        if (!response.ok) throw new Error(`/readyz answered ${response.status}`);
      },
    })),
  ];
}
