import { z } from 'zod';
import type { SubgraphName } from '../services.ts';

/**
 * The event catalogue: every event type, the zod schema of its `data`, and its priority.
 * Producers and consumers in different subgraphs share this one definition, so a change
 * here is a change of contract: add optional fields freely; anything breaking bumps `version`.
 *
 * The topic is never written down: it is the type's prefix (`user.verified` → `user.events`),
 * so an event cannot be filed under another service's topic by mistake.
 */

export type EventPriority = 'high' | 'normal' | 'low';

/** BullMQ runs lower numbers first; 0 would mean "unprioritized" and jump every queue. */
export const BULLMQ_PRIORITY: Record<EventPriority, number> = { high: 1, normal: 5, low: 10 };

export interface EventDefinition {
  priority: EventPriority;
  /** The `schemaVersion` producers stamp on the envelope. */
  version: number;
  data: z.ZodType;
}

const uuid = z.uuid();
const timestamp = z.iso.datetime({ offset: true });

export const EVENT_CATALOGUE = {
  // ---- user.events (producer: user). No PII: consumers that need more ask the user subgraph.
  'user.registered': {
    priority: 'normal',
    version: 1,
    data: z.object({ userId: uuid, nickname: z.string().min(1), createdAt: timestamp }),
  },
  'user.verified': {
    priority: 'normal',
    version: 1,
    data: z.object({ userId: uuid, method: z.enum(['EMAIL', 'SMS', 'ID_CARD', 'OAUTH']), verifiedAt: timestamp }),
  },
  // Low: it only feeds the safety score's profile component, which tolerates minutes of lag.
  'user.profile_updated': {
    priority: 'low',
    version: 1,
    data: z.object({
      userId: uuid,
      fields: z.array(z.string().min(1)),
      profileCompleteness: z.int().min(0).max(100),
      protectedMode: z.boolean(),
    }),
  },
  // High: a suspension or ban must stop new trades before the user can start one.
  'user.status_changed': {
    priority: 'high',
    version: 1,
    data: z.object({
      userId: uuid,
      status: z.enum(['ACTIVE', 'SUSPENDED', 'BANNED']),
      until: timestamp.nullable().optional(),
    }),
  },

  // ---- transaction.events (producer: transaction): transaction.created, transaction.completed, ...
  //      normal priority for trades.
  // ---- report.events (producer: report): report.filed (high when urgent), report.resolved (normal).
  // ---- monitor.events (producer: monitor): monitor.risk_detected (high).
  // ---- safety.events (producer: safety): safety.score_changed; batch recalculations are low.
  // Add each family here, keyed `<service>.<past_tense_verb>`, and extend SUBSCRIPTIONS if needed.
} as const satisfies Record<`${SubgraphName}.${string}`, EventDefinition>;

export type EventType = keyof typeof EVENT_CATALOGUE;
export type EventData<T extends EventType> = z.infer<(typeof EVENT_CATALOGUE)[T]['data']>;

export type Topic = `${SubgraphName}.events`;
export type TopicOf<T extends string> = T extends `${infer S extends SubgraphName}.${string}` ? `${S}.events` : never;

/**
 * Which topics each service consumes. Static on purpose: the relay enqueues into every
 * subscriber's queue when it publishes, so an event published before a consumer first
 * starts is waiting for it rather than lost.
 */
export const SUBSCRIPTIONS = {
  user: ['report.events', 'monitor.events', 'transaction.events'],
  transaction: ['safety.events', 'monitor.events'],
  safety: ['user.events', 'transaction.events', 'report.events', 'monitor.events'],
  report: [],
  monitor: ['user.events', 'transaction.events', 'report.events'],
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

export function topicOf<T extends EventType>(type: T): TopicOf<T> {
  return `${type.slice(0, type.indexOf('.'))}.events` as TopicOf<T>;
}

export function subscribersOf(topic: Topic): SubgraphName[] {
  return (Object.keys(SUBSCRIPTIONS) as SubgraphName[]).filter((service) =>
    (SUBSCRIPTIONS[service] as readonly Topic[]).includes(topic),
  );
}

export function isSubscribed(service: SubgraphName, type: EventType): boolean {
  return (SUBSCRIPTIONS[service] as readonly Topic[]).includes(topicOf(type));
}
