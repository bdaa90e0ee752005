/**
 * The slice of a Prisma client the event bus needs. Every service has its own generated
 * PrismaClient, so the bus talks to `outbox_events` and `processed_events` through raw SQL
 * and accepts any client (or transaction client) with these methods.
 */
export interface SqlExecutor {
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
}

export interface TransactionOptions {
  /** How long to wait for a connection from the pool. */
  maxWait?: number;
  /** How long the transaction may stay open; Prisma's default is only 5 s. */
  timeout?: number;
}

/** A client that can open an interactive transaction; `Tx` is what the callback receives. */
export interface TransactionalSqlClient<Tx extends SqlExecutor = SqlExecutor> extends SqlExecutor {
  $transaction<R>(fn: (tx: Tx) => Promise<R>, options?: TransactionOptions): Promise<R>;
}
