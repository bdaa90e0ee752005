import { z } from 'zod';
import { SUBGRAPHS, type SubgraphName, EVENT_CATALOGUE, isEventType, type EventData, type EventType } from '@anshim/contracts';

/** What travels on the bus: the same shape in the outbox row, the BullMQ job and dead letters. */
export interface EventEnvelope<T extends EventType = EventType> {
  id: string;
  type: T;
  /** ISO 8601; when the change happened in the producer, not when it was relayed. */
  occurredAt: string;
  producer: SubgraphName;
  /** The user the event is about, for tracing and per-user views; null for system events. */
  subjectUserId: string | null;
  data: EventData<T>;
  schemaVersion: number;
}

/** One envelope per event type, so narrowing on `type` narrows `data` too. */
export type AnyEventEnvelope = { [T in EventType]: EventEnvelope<T> }[EventType];

const subgraphNames = SUBGRAPHS.map((s) => s.name) as [SubgraphName, ...SubgraphName[]];

/** The envelope without its data: `data` is checked against the catalogue schema of `type`. */
export const eventEnvelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().regex(/^[a-z]+\.[a-z_]+$/, 'must look like "<service>.<event_name>"'),
  occurredAt: z.iso.datetime({ offset: true }),
  producer: z.enum(subgraphNames),
  subjectUserId: z.uuid().nullable(),
  data: z.unknown(),
  schemaVersion: z.int().positive(),
});

export type EnvelopeParseResult =
  | { ok: true; envelope: AnyEventEnvelope }
  | { ok: false; reason: string };

/** Validates an envelope and its data; the reason names the offending fields for dead letters. */
export function parseEnvelope(raw: unknown): EnvelopeParseResult {
  const outer = eventEnvelopeSchema.safeParse(raw);
  if (!outer.success) return { ok: false, reason: `invalid envelope: ${z.prettifyError(outer.error)}` };
  const { type } = outer.data;
  if (!isEventType(type)) return { ok: false, reason: `unknown event type "${type}"` };
  const data = EVENT_CATALOGUE[type].data.safeParse(outer.data.data);
  if (!data.success) return { ok: false, reason: `invalid ${type} data: ${z.prettifyError(data.error)}` };
  return { ok: true, envelope: { ...outer.data, type, data: data.data } as AnyEventEnvelope };
}
