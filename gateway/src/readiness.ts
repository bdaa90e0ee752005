import type { ReadinessCheck, Redis } from '@anshim/platform';
import type { Fetcher } from './subgraph-fetcher.ts';

/** `/readyz` next to the subgraph's GraphQL endpoint: http://host:4001/graphql → http://host:4001/readyz. */
export function readinessUrlOf(graphqlUrl: string): string {
  return new URL('readyz', graphqlUrl).toString();
}

/** Redis answers a ping, and every subgraph answers its own /readyz with a 2xx: one check each. */
export function gatewayReadiness(options: { redis: Redis; subgraphs: ReadonlyMap<string, string>; fetch: Fetcher }): ReadinessCheck[] {
  const redis: ReadinessCheck = { name: 'redis', check: () => options.redis.ping() };
  return [
    redis,
    ...[...options.subgraphs].map(([name, url]): ReadinessCheck => ({
      name: `subgraph:${name}`,
      check: async () => {
        const response = await options.fetch(readinessUrlOf(url), { method: 'GET' });
        if (!response.ok) throw new Error(`/readyz answered ${response.status}`);
      },
    })),
  ];
}
