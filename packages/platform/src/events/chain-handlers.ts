// One service's event handlers written in more than one file (each its own domain: the monitor's
// copies and rules, its clusters of linked accounts), combined into the one table a consumer takes.
// An event type handled in several tables runs every handler, in the order the tables are given,
// inside the same transaction: one fails, none of them took effect, and the event is retried.
import type { SubgraphName } from '@anshim/contracts';
import type { EventHandlers } from './consumer.ts';

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
    chained[type] =
      handlers.length === 1
        ? handlers[0]!
        : async (event, tx) => {
            for (const handler of handlers) await handler(event, tx);
          };
  }
  return chained as EventHandlers<S, Tx>;
}
