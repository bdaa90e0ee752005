// Upstream: the entity cache as the gateway builds it (ENTITY_CACHE) and its counters on /metrics.
import { ENTITY_CACHE_HINTS } from '@anshim/contracts';
import { countOnScrape, type Logger, type Metrics, type Redis } from '@anshim/platform';
import { EntityCache, type EntityCacheCounts } from './entity-cache.ts';

const HELP: Record<keyof EntityCacheCounts, string> = {
  hits: 'Entity representations answered from the entity cache',
  misses: 'Entity representations the entity cache could answer but had no current entry for',
  stale: 'Entity cache entries found written before their entity last changed (invalidated by an event)',
  joined: 'Entity cache misses answered by another request of this gateway fetching the same entry',
  stored: 'Entity cache entries written',
  bypassed: '_entities fetches the entity cache may not answer (an unhinted field, a viewer who sees more)',
};

/** The cache when ENTITY_CACHE is on, counted on /metrics as gateway_entity_cache_<count>_total. */
export function entityCacheFor(enabled: boolean, redis: Redis, metrics: Metrics, logger: Logger): EntityCache | undefined {
  if (!enabled) return undefined;
  const cache = new EntityCache(redis, ENTITY_CACHE_HINTS, logger.child({ component: 'entity-cache' }));
  for (const count of Object.keys(HELP) as Array<keyof EntityCacheCounts>) {
    countOnScrape(metrics, `gateway_entity_cache_${count}_total`, HELP[count], () => cache.counts[count]);
  }
  return cache;
}
