// Handlers that act on only some events of their type: the user service acts on
// monitor.action_taken only for REQUIRE_VERIFICATION and CLEAR, the transaction service only for
// the holds, restrictions and warnings. `onlyWhen` says which, from the event alone, and the
// consumer records any other event as seen with one INSERT instead of opening a transaction for a
// handler that would return at once (issue 18: every alert's actions reach three services, and
// most of those transactions changed nothing). Exactly once is unchanged: the event is recorded in
// processed_events either way, and a redelivered one is a duplicate.
import type { EventType } from '@anshim/contracts';
import type { EventEnvelope } from './envelope.ts';

const RELEVANT = Symbol('event relevance');

type Handler<T extends EventType, Tx> = (event: EventEnvelope<T>, tx: Tx) => Promise<void>;

/**
 * `handler`, run only for the events `relevant` accepts (a pure check of the event's data: no I/O,
 * nothing that changes over time). Keeps what `handler` carries, e.g. its `inBatches` form; called
 * directly (in a chain of handlers), it skips the other events itself.
 */
export function onlyWhen<T extends EventType, Tx>(relevant: (event: EventEnvelope<T>) => boolean, handler: Handler<T, Tx>): Handler<T, Tx> {
  const filtered = (event: EventEnvelope<T>, tx: Tx) => (relevant(event) ? handler(event, tx) : Promise.resolve());
  return Object.assign(filtered, handler, { [RELEVANT]: relevant });
}

/** The check `onlyWhen` attached to a handler, if any. */
export function relevanceOf(handler: unknown): ((event: EventEnvelope<EventType>) => boolean) | undefined {
  return typeof handler === 'function' && RELEVANT in handler ? (handler as unknown as { [RELEVANT]: (event: EventEnvelope<EventType>) => boolean })[RELEVANT] : undefined;
}
