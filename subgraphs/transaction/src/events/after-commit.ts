// Lets an event handler schedule work for after its transaction commits (cache invalidation):
// done inside the transaction, a reader could re-cache the old rows before the commit. Wraps the
// client the EventConsumer opens transactions on; each transaction gets its own callback list.
import type { SqlExecutor, TransactionalSqlClient, TransactionOptions } from '@anshim/platform';

export class AfterCommit<Tx extends SqlExecutor> {
  private readonly pending = new WeakMap<object, Array<() => Promise<void>>>();

  constructor(private readonly client: TransactionalSqlClient<Tx>) {}

  /** The client to give the consumer: same transactions, plus the callbacks after commit. */
  readonly wrapped: TransactionalSqlClient<Tx> = {
    $executeRawUnsafe: (query, ...values) => this.client.$executeRawUnsafe(query, ...values),
    $queryRawUnsafe: (query, ...values) => this.client.$queryRawUnsafe(query, ...values),
    $transaction: async <R>(fn: (tx: Tx) => Promise<R>, options?: TransactionOptions) => {
      const callbacks: Array<() => Promise<void>> = [];
      const result = await this.client.$transaction(async (tx) => {
        this.pending.set(tx as object, callbacks);
        return fn(tx);
      }, options);
      for (const callback of callbacks) await callback().catch(() => undefined);
      return result;
    },
  };

  /** Runs `callback` once the transaction `tx` belongs to has committed (never if it rolls back). */
  schedule(tx: Tx, callback: () => Promise<void>): void {
    const list = this.pending.get(tx as object);
    if (!list) throw new Error('AfterCommit.schedule called outside a wrapped transaction');
    list.push(callback);
  }
}
