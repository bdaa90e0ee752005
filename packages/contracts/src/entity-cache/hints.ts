// The gateway's entity cache (docs/caching.md): what it may keep, read from the `@entityCache` hints
// in the subgraph schemas (generated into hints.generated.ts by `npm run compose`), and the Redis
// keys the gateway (reads) and every outbox relay (invalidations) agree on.
import { ENTITY_CACHE_HINTS } from './hints.generated.ts';
import { entityIdsNamedBy } from './events.ts';

/**
 * Who may share a cached answer. PUBLIC: every viewer gets the same. NOT_SELF: the same for every viewer
 * except the member the entity is and ADMINs (they see more, e.g. every safety factor), who neither read
 * nor write entries. VISIBLE: the same for everyone who may see the entity at all, but who may see it
 * depends on the viewer (a HIDDEN listing: its seller and ADMINs): entries are written only from
 * anonymous callers' answers, i.e. what everyone may see, and read by anyone. Fields whose answer depends
 * on who asks in any other way carry no hint and are never cached.
 */
export type EntityCacheScope = 'PUBLIC' | 'NOT_SELF' | 'VISIBLE';

export interface EntityTypeHints {
  /** Seconds an entry lives at most (the smallest maxAge of the type and its hinted fields). */
  maxAge: number;
  /** Events of this subgraph that change the type's hinted fields (each names the entity: events.ts). */
  invalidatedBy: readonly string[];
  /** Hinted field → scope. A fetch selecting any other field of the type is not cached. */
  fields: Readonly<Record<string, EntityCacheScope>>;
}

/** Subgraph → entity type → hints. */
export type EntityCacheHints = Readonly<Record<string, Readonly<Record<string, EntityTypeHints>>>>;

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
