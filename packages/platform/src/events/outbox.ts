import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { EVENT_CATALOGUE, topicOf, type EventData, type EventPriority, type EventType, type SubgraphName } from '@anshim/contracts';
import { BULLMQ_PRIORITY } from './queues.ts';
import type { EventEnvelope } from './envelope.ts';
import type { SqlExecutor } from './sql-client.ts';

export interface NewEvent<T extends EventType> {
  type: T;
  producer: SubgraphName;
  subjectUserId: string | null;
  data: EventData<T>;
  occurredAt?: Date;
  /** Overrides the catalogue's priority for this one event (e.g. an URGENT report, a batch recalculation). */
  priority?: EventPriority;
}

/** Thrown when a producer builds an event its own catalogue entry rejects: a bug, not bad input. */
export class InvalidEventError extends Error {
  constructor(type: string, detail: string) {
    super(`invalid ${type} event: ${detail}`);
    this.name = 'InvalidEventError';
  }
}

/** An outbox row as recordEvent writes it, for a producer that writes its rows inside a larger statement. */
export interface OutboxRow {
  id: string;
  topic: string;
  type: string;
  /** The envelope as JSON. */
  payload: string;
  /** BullMQ's priority number. */
  priority: number;
}

/** Validates an event against its catalogue entry and builds its envelope and outbox row, writing nothing. */
export function outboxRowOf<T extends EventType>(event: NewEvent<T>): { envelope: EventEnvelope<T>; row: OutboxRow } {
  const definition = EVENT_CATALOGUE[event.type];
  if (!definition) throw new InvalidEventError(event.type, 'not in the event catalogue');
  const parsed = definition.data.safeParse(event.data);
  if (!parsed.success) throw new InvalidEventError(event.type, z.prettifyError(parsed.error));

  const envelope: EventEnvelope<T> = {
    id: randomUUID(),
    type: event.type,
    occurredAt: (event.occurredAt ?? new Date()).toISOString(),
    producer: event.producer,
    subjectUserId: event.subjectUserId,
    data: parsed.data as EventData<T>,
    schemaVersion: definition.version,
  };
  const row = { id: envelope.id, topic: topicOf(event.type), type: event.type, payload: JSON.stringify(envelope), priority: BULLMQ_PRIORITY[event.priority ?? definition.priority] };
  return { envelope, row };
}

/**
 * Writes an event into the producer's outbox inside the caller's transaction, so the event
 * exists if and only if the change it describes was committed. The relay publishes it later;
 * call `relay.nudge()` after the commit to publish it right away.
 */
export async function recordEvent<T extends EventType>(tx: SqlExecutor, event: NewEvent<T>): Promise<EventEnvelope<T>> {
  const { envelope, row } = outboxRowOf(event);
  // clock_timestamp(), not the column's now(): several events of one transaction keep their order.
  await tx.$executeRawUnsafe(
    `INSERT INTO outbox_events (id, topic, type, payload, priority, created_at)
     VALUES ($1::uuid, $2, $3, $4::jsonb, $5, clock_timestamp())`,
    row.id,
    row.topic,
    row.type,
    row.payload,
    row.priority,
  );
  return envelope;
}
