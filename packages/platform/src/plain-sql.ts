// Plain `pg` on a service's own schema, shaped as the platform's TransactionalSqlClient: for the
// statements a service runs most (the event path, and the reads behind every `_entities` batch
// and listing page). Prisma's typed client (its query compiler, JSON protocol, result mapping)
// was about 15% of the user and safety subgraphs' busy CPU on the products page (bench/RESULTS.md,
// "Subgraph CPU per page"); through `pg` it is a plain prepared statement. Typed writes stay on Prisma.
import pg from 'pg';
import type { SqlExecutor, TransactionalSqlClient, TransactionOptions } from './events/sql-client.ts';
import { postgresSchemaFor } from './prisma.ts';

/**
 * Every statement runs as a named prepared statement, prepared once per connection: hot
 * statements are few and fixed, and PostgreSQL would otherwise plan them on every call. Names
 * are handed out per distinct text; past MAX_PREPARED texts (generated SQL would be a bug, but
 * must not grow every connection's statement cache without bound) statements run unnamed.
 */
const MAX_PREPARED = 500;

/** `timestamp` columns hold UTC (Prisma's convention): read them as UTC whatever the process' TZ. */
const TIMESTAMP_OID = 1114;
const utcTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === TIMESTAMP_OID && format !== 'binary') return (text: string) => new Date(`${text.replace(' ', 'T')}Z`);
    return (pg.types.getTypeParser as (oid: number, format?: 'text' | 'binary') => unknown)(oid, format);
  },
} as pg.CustomTypesConfig;

class PlainExecutor implements SqlExecutor {
  constructor(
    protected readonly client: pg.Pool | pg.PoolClient,
    protected readonly named: (text: string, values: unknown[]) => pg.QueryConfig,
  ) {}

  async $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> {
    return (await this.client.query(this.named(query, values))).rowCount ?? 0;
  }

  async $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> {
    return (await this.client.query(this.named(query, values))).rows as T;
  }
}

export interface PlainSqlOptions {
  databaseUrl: string;
  /** The service whose schema (search_path) every statement runs in; also the statement-name prefix. */
  service: string;
  poolSize?: number;
  /** Called with every statement's text (tests count statements to prove batching, as with Prisma's). */
  onQuery?: (sql: string) => void;
  /**
   * Plan every execution for its values (plan_cache_mode=force_custom_plan), keeping only the parse:
   * for statements whose best plan depends on the values (a listing's LIKE words and partial
   * indexes), where a generic plan could pick a scan. Off: PostgreSQL may reuse one plan.
   */
  planEachCall?: boolean;
}

export class PlainSql extends PlainExecutor implements TransactionalSqlClient<SqlExecutor> {
  private readonly pool: pg.Pool;

  constructor(options: PlainSqlOptions) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      options: `-c search_path=${postgresSchemaFor(options.service)}${options.planEachCall ? ' -c plan_cache_mode=force_custom_plan' : ''}`,
      max: options.poolSize ?? 10,
      types: utcTypes,
    });
    const names = new Map<string, string>();
    const named = (text: string, values: unknown[]): pg.QueryConfig => {
      options.onQuery?.(text);
      let name = names.get(text);
      if (name === undefined && names.size < MAX_PREPARED) {
        name = `${options.service}_${names.size + 1}`;
        names.set(text, name);
      }
      return name === undefined ? { text, values } : { name, text, values };
    };
    super(pool, named);
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
      const result = await fn(new PlainExecutor(client, this.named));
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
