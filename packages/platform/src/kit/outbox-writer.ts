// One way for a service's outbound producer (its <service>-events.ts) to write an event: into the
// outbox, inside the caller's transaction, stamped with the producing service. The producer keeps
// only what is its own, the mapping from its records to each event's data.
import type { EventType, SubgraphName } from '@anshim/contracts';
import type { EventEnvelope } from '../events/envelope.ts';
import { recordEvent, type NewEvent } from '../events/outbox.ts';
import type { SqlExecutor } from '../events/sql-client.ts';

/** An event as a producer describes it; the writer adds the producer. */
export type OutgoingEvent<T extends EventType> = Omit<NewEvent<T>, 'producer'>;

export type OutboxWriter = <T extends EventType>(tx: SqlExecutor, event: OutgoingEvent<T>) => Promise<EventEnvelope<T>>;

/**
 * `write(tx, { type, subjectUserId, data })` records the event in `tx`, so it exists exactly when
 * the change it describes was committed; the relay publishes it (at once after the nudge).
 */
export function outboxWriter(producer: SubgraphName): OutboxWriter {
  return (tx, event) => recordEvent(tx, { ...event, producer });
}
