import pg from 'pg';
import type { SqlExecutor, TransactionalSqlClient } from '@anshim/platform';

/** What the event bus needs from Prisma, on plain `pg`: tests need no generated client. */
class PgSqlExecutor implements SqlExecutor {
  constructor(private readonly client: pg.Pool | pg.PoolClient) {}

  async $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> {
    const result = await this.client.query(query, values);
    return result.rowCount ?? 0;
  }

  async $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> {
    const result = await this.client.query(query, values);
    return result.rows as T;
  }
}

export class PgSqlClient extends PgSqlExecutor implements TransactionalSqlClient<SqlExecutor> {
  constructor(private readonly pool: pg.Pool) {
    super(pool);
  }

  async $transaction<R>(fn: (tx: SqlExecutor) => Promise<R>): Promise<R> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(new PgSqlExecutor(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined); // keep the error that caused it
      throw error;
    } finally {
      client.release();
    }
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}
