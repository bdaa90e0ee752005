// Which alerts may exist only once. A listing is described twice (the app's recordActivity and
// transaction's product.created, in either order): its rules raise once per product. A price
// change likewise once per (product, new price). Anything else an event raised, once per (event,
// rule), so a redelivered event raises nothing new. recordActivity of other kinds has no key: two
// chat messages are two things that happened.
import type { ActivityFacts } from '../rules/index.ts';

export function alertDedupeKey(activity: Pick<ActivityFacts, 'type' | 'productId' | 'amount'>, rule: string, sourceEventId: string | null): string | null {
  if (activity.productId && activity.type === 'LISTING_CREATED') return `listing:${activity.productId}:${rule}`;
  if (activity.productId && activity.type === 'PRICE_CHANGED' && activity.amount != null) return `price:${activity.productId}:${activity.amount}:${rule}`;
  return sourceEventId ? eventDedupeKey(sourceEventId, rule) : null;
}

export function eventDedupeKey(sourceEventId: string, rule: string): string {
  return `event:${sourceEventId}:${rule}`;
}
