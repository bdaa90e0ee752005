import type { z } from 'zod';
import type { SubgraphName } from '../services.ts';
import type { EventDefinition, EventPriority } from './catalogue/definition.ts';
import { USER_EVENTS } from './catalogue/user.ts';
import { TRANSACTION_EVENTS } from './catalogue/transaction.ts';
import { REPORT_EVENTS } from './catalogue/report.ts';
import { MONITOR_EVENTS } from './catalogue/monitor.ts';
import { SAFETY_EVENTS } from './catalogue/safety.ts';
import { CHAT_EVENTS } from './catalogue/chat.ts';
import { PAYMENT_EVENTS } from './catalogue/payment.ts';
export { TRADE_DISPUTE_REASONS } from './catalogue/payment.ts';
export { ADMIN_ACTION_AUDITED, AUDITING_SERVICES, type AdminActionAudited } from './catalogue/audit.ts';

export type { EventDefinition, EventPriority };

/**
 * The event catalogue: every event type, the zod schema of its `data`, and its priority.
 * Producers and consumers in different subgraphs share this one definition, so a change
 * here is a change of contract: add optional fields freely; anything breaking bumps `version`.
 *
 * The topic is never written down: it is the producer's, found from the type's prefix
 * (`user.verified` → `user.events`; `product.created` → `transaction.events`), so an event
 * cannot be filed under another service's topic by mistake.
 */


/** Each producing service keeps its family in catalogue/<service>.ts; this merges them. */
export const EVENT_CATALOGUE = {
  ...USER_EVENTS,
  ...TRANSACTION_EVENTS,
  ...REPORT_EVENTS,
  ...MONITOR_EVENTS,
  ...SAFETY_EVENTS,
  ...CHAT_EVENTS,
  ...PAYMENT_EVENTS,
} as const;

export type EventType = keyof typeof EVENT_CATALOGUE;
export type EventData<T extends EventType> = z.infer<(typeof EVENT_CATALOGUE)[T]['data']>;

export type Topic = `${SubgraphName}.events`;
/** Type prefixes that are not a service name, and the service that produces them. */
const PREFIX_PRODUCER = { product: 'transaction' } as const satisfies Record<string, SubgraphName>;
type PrefixProducer = typeof PREFIX_PRODUCER;
type ProducerOf<P extends string> = P extends SubgraphName ? P : P extends keyof PrefixProducer ? PrefixProducer[P] : never;
export type TopicOf<T extends string> = T extends `${infer P}.${string}` ? `${ProducerOf<P>}.events` : never;

/**
 * Which topics each service consumes. Static on purpose: the relay enqueues into every
 * subscriber's queue when it publishes, so an event published before a consumer first
 * starts is waiting for it rather than lost.
 */
export const SUBSCRIPTIONS = {
  user: ['report.events', 'monitor.events', 'transaction.events', 'safety.events', 'payment.events'],
  transaction: ['user.events', 'safety.events', 'monitor.events'],
  safety: ['user.events', 'transaction.events', 'report.events', 'monitor.events', 'payment.events'],
  report: ['user.events', 'transaction.events', 'payment.events'],
  monitor: ['user.events', 'transaction.events', 'report.events', 'safety.events', 'chat.events', 'payment.events'],
  chat: ['user.events', 'transaction.events', 'monitor.events', 'report.events', 'safety.events'],
  payment: ['transaction.events', 'report.events', 'safety.events'],
} as const satisfies Record<SubgraphName, readonly Topic[]>;

/** The event types a service receives, i.e. may write handlers for. */
export type SubscribedEventType<S extends SubgraphName> = {
  [T in EventType]: TopicOf<T> extends (typeof SUBSCRIPTIONS)[S][number] ? T : never;
}[EventType];

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_CATALOGUE, type);
}

export function eventDefinition(type: EventType): EventDefinition {
  return EVENT_CATALOGUE[type];
}

export function producerOf(type: EventType): SubgraphName {
  const prefix = type.slice(0, type.indexOf('.'));
  return (PREFIX_PRODUCER as Record<string, SubgraphName>)[prefix] ?? (prefix as SubgraphName);
}

export function topicOf<T extends EventType>(type: T): TopicOf<T> {
  return `${producerOf(type)}.events` as TopicOf<T>;
}

export function subscribersOf(topic: Topic): SubgraphName[] {
  return (Object.keys(SUBSCRIPTIONS) as SubgraphName[]).filter((service) =>
    (SUBSCRIPTIONS[service] as readonly Topic[]).includes(topic),
  );
}

export function isSubscribed(service: SubgraphName, type: EventType): boolean {
  return (SUBSCRIPTIONS[service] as readonly Topic[]).includes(topicOf(type));
}
