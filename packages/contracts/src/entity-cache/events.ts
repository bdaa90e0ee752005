// Which entities each event names, for the gateway's entity cache (docs/caching.md): the version of
// every entity an event names is bumped when the event is published, so cached fields of that entity
// are never served again. Only the data fields named here are read; the zod schemas above guarantee them.
import type { EventType } from '../events/catalogue.ts';

/** The entity types the cache keys by `id` (each is `@key(fields: "id")` in every subgraph). */
export type CachedEntityType = 'User' | 'Product';

type Names = Partial<Record<CachedEntityType, readonly string[]>>;

const TRADE: Names = { User: ['buyerId', 'sellerId'], Product: ['productId'] };

/** Event type → the `data` fields holding the ids of the entities it changes. */
export const EVENT_ENTITY_NAMES: Partial<Record<EventType, Names>> = {
  'user.profile_updated': { User: ['userId'] },
  'user.status_changed': { User: ['userId'] },
  'user.verified': { User: ['userId'] },
  'user.deleted': { User: ['userId'] },
  'safety.score_changed': { User: ['userId'] },
  'product.created': { Product: ['productId'] },
  'product.price_changed': { Product: ['productId'] },
  'product.status_changed': { Product: ['productId'] },
  'transaction.requested': TRADE,
  'transaction.accepted': TRADE,
  'transaction.completed': TRADE,
  'transaction.cancelled': TRADE,
  'transaction.disputed': TRADE,
  'transaction.rated': { User: ['rateeId', 'raterId'] },
};

/** The ids of `entityType` an event's data names (none when the event names no such entity). */
export function entityIdsNamedBy(type: string, entityType: string, data: unknown): string[] {
  const fields = (EVENT_ENTITY_NAMES as Record<string, Names | undefined>)[type]?.[entityType as CachedEntityType];
  if (!fields || typeof data !== 'object' || data === null) return [];
  const record = data as Record<string, unknown>;
  return [...new Set(fields.map((field) => record[field]).filter((id): id is string => typeof id === 'string' && id.length > 0))];
}
