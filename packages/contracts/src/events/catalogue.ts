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
 * The event types each service handles: the relay enqueues an event only into the queues of the
 * services listed for its type. Static on purpose, as a contract: an event published before a
 * consumer first starts is waiting in its queue rather than lost. Each list is exactly the
 * service's handlers: a handler for a type not listed here is refused when its consumer is built
 * (its events would never arrive), and a listed type without a handler is refused when the
 * service starts (define-subgraph: its events would be enqueued only to be ignored). Enqueueing
 * by topic instead made 117 of the 201 (type, queue) pairs events the queue's service ignored,
 * each one a job added, claimed and completed in Redis for nothing.
 */
export const CONSUMED_EVENTS = {
  user: [
    'report.processed', 'report.sanction_applied', 'report.sanction_ended',
    'monitor.action_taken', 'monitor.action_ended', 'monitor.alert_raised',
    'transaction.requested', 'transaction.check_in_overdue',
    'safety.score_changed',
    'payment.guardian_approval_requested',
  ],
  transaction: [
    'user.profile_updated', 'user.status_changed', 'user.verification_requirement_changed',
    'safety.score_changed',
    'monitor.action_taken', 'monitor.action_ended',
  ],
  safety: [
    'user.registered', 'user.verified', 'user.profile_updated', 'user.status_changed',
    'product.created', 'product.price_changed',
    'transaction.completed', 'transaction.cancelled', 'transaction.disputed', 'transaction.rated',
    'report.filed', 'report.processed', 'report.sanction_applied', 'report.sanction_ended',
    'monitor.risk_detected', 'monitor.risk_cleared',
    'payment.released',
  ],
  report: [
    'user.registered', 'user.verified', 'user.profile_updated',
    'product.created',
    'transaction.requested', 'transaction.accepted', 'transaction.completed', 'transaction.cancelled', 'transaction.disputed',
    'payment.disputed',
  ],
  monitor: [
    'user.registered', 'user.verified', 'user.signed_in', 'user.profile_updated', 'user.status_changed', 'user.deleted', 'user.admin_action_audited',
    'product.created', 'product.price_changed',
    'transaction.requested',
    'report.filed', 'report.sanction_applied', 'report.identifiers_confirmed', 'report.admin_action_audited',
    'safety.score_changed', 'safety.admin_action_audited',
    'chat.contact_observed', 'chat.message_screened', 'chat.admin_action_audited',
    'payment.started', 'payment.failed', 'payment.disputed',
  ],
  chat: [
    'user.profile_updated', 'user.status_changed', 'user.verification_requirement_changed',
    'product.created', 'product.status_changed',
    'monitor.action_taken', 'monitor.action_ended', 'monitor.alert_raised',
    'report.filed', 'report.identifiers_confirmed',
    'safety.score_changed',
  ],
  payment: [
    'product.created',
    'transaction.requested', 'transaction.accepted', 'transaction.completed', 'transaction.cancelled', 'transaction.disputed',
    'report.processed',
    'safety.score_changed',
  ],
} as const satisfies Record<SubgraphName, readonly EventType[]>;

/** The event types a service receives, i.e. may write handlers for. */
export type SubscribedEventType<S extends SubgraphName> = (typeof CONSUMED_EVENTS)[S][number];

/** The topics each service reads some event of (its queue receives events of these producers). */
export const SUBSCRIPTIONS = Object.fromEntries(
  (Object.keys(CONSUMED_EVENTS) as SubgraphName[]).map((service) => [service, [...new Set((CONSUMED_EVENTS[service] as readonly EventType[]).map(topicOf))]]),
) as unknown as Record<SubgraphName, readonly Topic[]>;

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
  return (Object.keys(SUBSCRIPTIONS) as SubgraphName[]).filter((service) => SUBSCRIPTIONS[service].includes(topic));
}

/** The services whose queues receive events of this type, in declaration order. */
export function consumersOf(type: EventType): SubgraphName[] {
  return (Object.keys(CONSUMED_EVENTS) as SubgraphName[]).filter((service) => (CONSUMED_EVENTS[service] as readonly EventType[]).includes(type));
}

export function isSubscribed(service: SubgraphName, type: EventType): boolean {
  return (CONSUMED_EVENTS[service] as readonly EventType[]).includes(type);
}
