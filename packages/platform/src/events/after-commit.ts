// Lets an event handler schedule work for after its transaction commits (cache writes, pushes to
// subscribers, a relay nudge): done inside the transaction, a reader could see the push before the
// rows, and a rollback would leave a push for something that never happened. Wraps the client the
// EventConsumer opens transactions on; each transaction gets its own list, run once it committed.
// Every service uses this one: a hook that fails is logged and never stops the hooks after it.
import type { SubgraphName } from '@anshim/contracts';
import type { Logger } from '../logger.ts';
import { EventConsumer, type EventConsumerOptions, type EventHandlers } from './consumer.ts';
import type { SqlExecutor, TransactionalSqlClient, TransactionOptions } from './sql-client.ts';

export class AfterCommitHooks<Tx extends SqlExecutor> {
  private readonly pending = new WeakMap<object, Array<() => Promise<void>>>();

  constructor(
    private readonly client: TransactionalSqlClient<Tx>,
    /** Where a failing hook is reported: it never undoes the commit, and it is never silently dropped. */
    private readonly logger: Logger,
  ) {}

  /** The client to give the consumer: same transactions, plus the hooks after commit. */
  readonly wrapped: TransactionalSqlClient<Tx> = {
    $executeRawUnsafe: (query, ...values) => this.client.$executeRawUnsafe(query, ...values),
    $queryRawUnsafe: (query, ...values) => this.client.$queryRawUnsafe(query, ...values),
    $transaction: async <R>(fn: (tx: Tx) => Promise<R>, options?: TransactionOptions) => {
      const hooks: Array<() => Promise<void>> = [];
      const result = await this.client.$transaction(async (tx) => {
        hooks.length = 0; // a retried transaction callback starts over
        this.pending.set(tx as object, hooks);
        return fn(tx);
      }, options);
      // The change is committed; a failing hook must not make the queue redeliver the event, nor
      // keep the hooks after it from running.
      for (const hook of hooks) {
        try {
          await hook();
        } catch (error) {
          this.logger.warn({ err: error }, 'after-commit work failed');
        }
      }
      return result;
    },
  };

  /** Runs `hook` once the transaction `tx` belongs to has committed (never if it rolls back). */
  schedule(tx: Tx, hook: () => Promise<void>): void {
    const list = this.pending.get(tx as object);
    if (!list) throw new Error('AfterCommitHooks.schedule called outside a wrapped transaction');
    list.push(hook);
  }
}

/**
 * An event consumer whose handlers may schedule work for after their transaction commits: the
 * hooks wrap the client the consumer opens its transactions on, and the handlers receive them.
 */
export function consumerWithAfterCommit<S extends SubgraphName, Tx extends SqlExecutor>(
  options: Omit<EventConsumerOptions<S, Tx>, 'handlers'> & { handlers: (hooks: AfterCommitHooks<Tx>) => EventHandlers<S, Tx> },
): EventConsumer<S, Tx> {
  const hooks = new AfterCommitHooks<Tx>(options.prisma, options.logger);
  return new EventConsumer<S, Tx>({ ...options, prisma: hooks.wrapped, handlers: options.handlers(hooks) });
}
