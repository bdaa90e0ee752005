// The service's Prisma client, pinned to the svc_chat schema. Only repositories use it; services
// hold an opaque transaction handle (`Tx`) so one change and its outbox event commit together.
// sendMessage's two statements go through plain `pg` on the SAME pool (chatSql below): the
// bench's profile (issue 18) had Prisma's raw-query path as chat's largest cost per message.
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { postgresSchemaFor, type DatabaseOptions } from '@anshim/platform';
import { PrismaClient, type Prisma } from './generated/prisma/client.ts';

export type ChatPrisma = PrismaClient;
/** A client usable inside `prisma.$transaction(async (tx) => …)`, or the root client itself. */
export type Tx = Prisma.TransactionClient;

/** The pool under each client createDatabase made: Prisma and the hot path share its connections. */
const pools = new WeakMap<ChatPrisma, pg.Pool>();

/**
 * As the platform's databaseFactory, with the pool made here so the hot path can use it too;
 * Prisma ends the pool on $disconnect.
 */
export function createDatabase(options: DatabaseOptions): ChatPrisma {
  const schema = postgresSchemaFor('chat');
  const pool = new pg.Pool({ connectionString: options.databaseUrl, options: `-c search_path=${schema}`, max: options.poolSize ?? 10 });
  const adapter = new PrismaPg(pool, { schema, disposeExternalPool: true });
  const { onQuery } = options;
  const client = new PrismaClient({ adapter, ...(onQuery ? { log: [{ emit: 'event' as const, level: 'query' as const }] } : {}) });
  if (onQuery) (client as unknown as { $on(event: 'query', cb: (e: { query: string }) => void): void }).$on('query', (e) => onQuery(e.query));
  pools.set(client, pool);
  return client;
}

/** How a connection was asked for: pool.query (one statement: the send's, Prisma's plain queries) or connect() (Prisma's interactive transactions: event consumers, the outbox relay). */
export type PoolUse = 'statement' | 'transaction';

export interface PoolObserver {
  /** Seconds from asking for a connection to getting it. */
  waited(seconds: number, use: PoolUse): void;
  /** Seconds from getting a connection to giving it back. */
  held(seconds: number, use: PoolUse): void;
}

type ConnectCallback = (error: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void;

/**
 * Tells `observer` how long each connection request on the client's pool waited and how long the
 * connection was then held, whoever asked: pg-pool's query() and Prisma's adapter both go through connect().
 */
export function observePool(prisma: ChatPrisma, observer: PoolObserver): void {
  const pool = pools.get(prisma);
  if (!pool) throw new Error('observePool needs a client made by createDatabase');
  const connect = pool.connect.bind(pool) as (callback?: ConnectCallback) => Promise<pg.PoolClient> | undefined;
  const holding = new WeakMap<pg.PoolClient, { since: bigint; use: PoolUse }>();
  const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;
  const got = (started: bigint, use: PoolUse, client: pg.PoolClient | undefined) => {
    observer.waited(seconds(started), use);
    if (client) holding.set(client, { since: process.hrtime.bigint(), use });
  };
  pool.on('release', (_error: unknown, client: pg.PoolClient) => {
    const held = holding.get(client);
    if (!held) return;
    holding.delete(client);
    observer.held(seconds(held.since), held.use);
  });
  (pool as { connect: unknown }).connect = (callback?: ConnectCallback) => {
    const started = process.hrtime.bigint();
    if (callback) {
      return connect((error, client, done) => {
        got(started, 'statement', client);
        callback(error, client, done);
      });
    }
    return connect()!.then(
      (client) => (got(started, 'transaction', client), client),
      (error: unknown) => {
        got(started, 'transaction', undefined);
        throw error;
      },
    );
  };
}

/** Plain SQL on a client's pool; every statement is a named prepared statement (planned once per connection). */
export interface ChatSql {
  query<R>(text: string, values: readonly unknown[]): Promise<R[]>;
}

/** Statement names per distinct text: the hot path's statements are a few fixed texts. */
const statementNames = new Map<string, string>();
const MAX_PREPARED = 50;

export function chatSql(prisma: ChatPrisma): ChatSql {
  const pool = pools.get(prisma);
  if (!pool) throw new Error('chatSql needs a client made by createDatabase');
  return {
    async query<R>(text: string, values: readonly unknown[]): Promise<R[]> {
      let name = statementNames.get(text);
      if (name === undefined && statementNames.size < MAX_PREPARED) statementNames.set(text, (name = `chat_${statementNames.size + 1}`));
      return (await pool.query<R & pg.QueryResultRow>(name === undefined ? { text, values: [...values] } : { name, text, values: [...values] })).rows;
    },
  };
}

/** Runs `work` in one database transaction. */
export function transaction<T>(prisma: ChatPrisma, work: (tx: Tx) => Promise<T>): Promise<T> {
  return prisma.$transaction(work);
}
