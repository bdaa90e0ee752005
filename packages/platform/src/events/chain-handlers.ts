// One service's event handlers written in more than one file (each its own domain: the monitor's
// copies and rules, its clusters of linked accounts), combined into the one table a consumer takes.
// An event type handled in several tables runs every handler, in the order the tables are given,
// inside the same transaction: one fails, none of them took effect, and the event is retried.
// When every handler of a type is marked inBatches, so is the chain (each runs on the batch in
// turn, in the tables' order); one unmarked handler makes the type's events go one by one. When
// every handler says which events it acts on (onlyWhen), the chain acts on those any of them does.
import type { EventType, SubgraphName } from '@anshim/contracts';
import type { EventHandlers } from './consumer.ts';
import type { EventEnvelope } from './envelope.ts';
import { batchHandlerOf, inBatches } from './event-batches.ts';
import { onlyWhen, relevanceOf } from './event-relevance.ts';

type AnyHandler<Tx> = (event: never, tx: Tx) => Promise<void>;

export function chainEventHandlers<S extends SubgraphName, Tx>(...tables: ReadonlyArray<EventHandlers<S, Tx>>): EventHandlers<S, Tx> {
  const byType = new Map<string, Array<AnyHandler<Tx>>>();
  for (const table of tables) {
    for (const [type, handler] of Object.entries(table) as Array<[string, AnyHandler<Tx> | undefined]>) {
      if (handler) byType.set(type, [...(byType.get(type) ?? []), handler]);
    }
  }
  const chained: Record<string, AnyHandler<Tx>> = {};
  for (const [type, handlers] of byType) {
    const batches = handlers.map((handler) => batchHandlerOf<Tx>(handler));
    if (handlers.length === 1) chained[type] = handlers[0]!;
    else if (batches.every((batch) => batch !== undefined)) {
      chained[type] = inBatches<EventType, Tx>({
        batch: async (events, tx) => {
          for (const batch of batches) await batch!(events, tx);
        },
      }) as AnyHandler<Tx>;
    } else {
      chained[type] = async (event, tx) => {
        for (const handler of handlers) await handler(event, tx);
      };
    }
    const checks = handlers.map((handler) => relevanceOf(handler));
    if (handlers.length > 1 && checks.every((check) => check !== undefined)) {
      const chain = chained[type] as unknown as (event: EventEnvelope<EventType>, tx: Tx) => Promise<void>;
      chained[type] = onlyWhen<EventType, Tx>((event) => checks.some((check) => check!(event)), chain) as AnyHandler<Tx>;
    }
  }
  return chained as EventHandlers<S, Tx>;
}
