// The gateway's entity cache (docs/caching.md): what it may keep, read from the `@entityCache` hints
// in the subgraph schemas (generated into hints.generated.ts by `npm run compose`), and the Redis
// keys the gateway (reads) and every outbox relay (invalidations) agree on.
import { ENTITY_CACHE_HINTS } from './hints.generated.ts';
import { entityIdsNamedBy } from './events.ts';
import type { EntityCacheHints } from './hint-types.ts';

export type { EntityCacheHints, EntityCacheScope, EntityTypeHints } from './hint-types.ts';

export { ENTITY_CACHE_HINTS };

/** The version key of one entity as one subgraph serves it (the Redis prefix is added by the client). */
export function entityVersionKey(subgraph: string, entityType: string, id: string): string {
  return `ec:v:${subgraph}:${entityType}:${id}`;
}

/**
 * The version keys an event bumps when `producer` publishes it. Only the producer's own hints count:
 * the producer wrote the change and the event in one transaction, so when the event is published the
 * change is visible to the subgraph's reads. A field another service keeps a copy of (fed by a consumer)
 * must not be hinted with that other service's event, as a refill could race the consumer.
 */
export function entityVersionKeysFor(producer: string, type: string, data: unknown, hints: EntityCacheHints = ENTITY_CACHE_HINTS): string[] {
  const types = hints[producer];
  if (!types) return [];
  const keys: string[] = [];
  for (const [entityType, typeHints] of Object.entries(types)) {
    if (!typeHints.invalidatedBy.includes(type)) continue;
    for (const id of entityIdsNamedBy(type, entityType, data)) keys.push(entityVersionKey(producer, entityType, id));
  }
  return keys;
}
