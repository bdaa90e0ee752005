// Event handlers run inside the consumer's transaction; what must happen only once it committed
// (cache write-through, channel push, relay nudge) is registered against that transaction here and
// run right after the commit. A rolled-back transaction runs nothing.
import type { Logger, SqlExecutor, TransactionalSqlClient, TransactionOptions } from '@anshim/platform';

type Hook = () => Promise<void>;

export class AfterCommit {
  private readonly hooks = new WeakMap<object, Hook[]>();

  constructor(private readonly logger: Logger) {}

  /** The client to give the EventConsumer: the real one, with after-commit hooks around `$transaction`. */
  wrap(sql: TransactionalSqlClient<SqlExecutor>): TransactionalSqlClient<SqlExecutor> {
    return {
      $executeRawUnsafe: (query, ...values) => sql.$executeRawUnsafe(query, ...values),
      $queryRawUnsafe: <T>(query: string, ...values: unknown[]) => sql.$queryRawUnsafe<T>(query, ...values),
      $transaction: async <R>(fn: (tx: SqlExecutor) => Promise<R>, options?: TransactionOptions): Promise<R> => {
        let hooks: Hook[] = [];
        const result = await sql.$transaction(async (tx) => {
          hooks = [];
          this.hooks.set(tx, hooks);
          return fn(tx);
        }, options);
        for (const hook of hooks) {
          // The change is committed; a failure here must not make BullMQ retry the event.
          await hook().catch((error: unknown) => this.logger.warn({ err: error }, 'after-commit work failed'));
        }
        return result;
      },
    };
  }

  add(tx: SqlExecutor, hook: Hook): void {
    const hooks = this.hooks.get(tx);
    if (!hooks) throw new Error('AfterCommit.add outside a transaction opened through AfterCommit.wrap');
    hooks.push(hook);
  }
}
