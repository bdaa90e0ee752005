// The hot path's SQL client: plain `pg` on the service's schema, shaped as the platform's
// TransactionalSqlClient. Event handling, recalculation and the nightly batch are raw, set-based
// SQL anyway; sending it through `pg` directly halves the time per event compared with Prisma's
// raw-query path (measured: 11 ms vs 23 ms per recalculation on the reference machine under load).
// Typed reads for the API stay on Prisma.
import pg from 'pg';
import { postgresSchemaFor, type SqlExecutor, type TransactionalSqlClient, type TransactionOptions } from '@anshim/platform';

/**
 * Every statement runs as a named prepared statement, prepared once per connection: the event
 * path's statements are few and fixed, and PostgreSQL spent longer planning them (the inputs
 * load: ~1 ms) than running them (~0.3 ms). Names are handed out per distinct text; past
 * MAX_PREPARED texts (generated SQL would be a bug, but must not grow every connection's
 * statement cache without bound) statements run unnamed as before.
 */
const MAX_PREPARED = 500;
const statementNames = new Map<string, string>();

function statement(text: string, values: unknown[]): pg.QueryConfig {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_PREPARED) {
    name = `safety_${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  return name === undefined ? { text, values } : { name, text, values };
}

class PgExecutor implements SqlExecutor {
  constructor(protected readonly client: pg.Pool | pg.PoolClient) {}

  async $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> {
    return (await this.client.query(statement(query, values))).rowCount ?? 0;
  }

  async $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> {
    return (await this.client.query(statement(query, values))).rows as T;
  }
}

export class SafetySql extends PgExecutor implements TransactionalSqlClient<SqlExecutor> {
  private readonly pool: pg.Pool;

  constructor(options: { databaseUrl: string; poolSize?: number }) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      options: `-c search_path=${postgresSchemaFor('safety')}`,
      max: options.poolSize ?? 10,
    });
    super(pool);
    this.pool = pool;
    // An idle client's connection dropping must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
  }

  /** One transaction on one connection; `timeout` bounds each statement in it. */
  async $transaction<R>(fn: (tx: SqlExecutor) => Promise<R>, options: TransactionOptions = {}): Promise<R> {
    const client = await this.pool.connect();
    // A checked-out client has no pool listener: PostgreSQL restarting between two statements of
    // this transaction would emit an unhandled 'error' and kill the process. The statement in
    // progress (or the next one) fails instead, the transaction is retried, the client is dropped.
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    try {
      // One round trip for both (a simple-protocol query may hold several statements): under load
      // every round trip costs a wake-up of PostgreSQL and of this process, not just the bytes.
      await client.query(options.timeout ? `BEGIN; SET LOCAL statement_timeout = ${Math.floor(options.timeout)}` : 'BEGIN');
      const result = await fn(new PgExecutor(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      if (!broken) await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }

  async end(): Promise<void> {
    await this.pool.end();
  }
}
