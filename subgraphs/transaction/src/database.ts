// The service's Prisma client, pinned to the svc_transaction schema. Only repositories use it;
// services hold an opaque transaction handle (`Tx`) so one change and its outbox event commit together.
import { createPrismaClient } from '@anshim/platform';
import { PrismaClient, Prisma } from './generated/prisma/client.ts';

export { Prisma };
export type TransactionPrisma = PrismaClient;
/** A client usable inside `prisma.$transaction(async (tx) => …)`, or the root client itself. */
export type Tx = Prisma.TransactionClient;

export interface DatabaseOptions {
  databaseUrl: string;
  /** Called with every SQL statement (tests count queries to prove batching). */
  onQuery?: (sql: string) => void;
  poolSize?: number;
}

export function createDatabase(options: DatabaseOptions): TransactionPrisma {
  const prisma = createPrismaClient(
    PrismaClient,
    { databaseUrl: options.databaseUrl, service: 'transaction', poolSize: options.poolSize },
    { logQueries: Boolean(options.onQuery) },
  );
  if (options.onQuery) {
    const onQuery = options.onQuery;
    // The generated type only allows $on for log levels given at construction; we passed 'query'.
    (prisma as unknown as { $on(event: 'query', cb: (e: Prisma.QueryEvent) => void): void }).$on('query', (e) => onQuery(e.query));
  }
  return prisma;
}

/** Runs `work` in one database transaction (READ COMMITTED; races are settled by conditional updates). */
export function transaction<T>(prisma: TransactionPrisma, work: (tx: Tx) => Promise<T>): Promise<T> {
  return prisma.$transaction(work, { timeout: 15_000 });
}

/** Prisma's unique-violation error names the index (pg adapter) rather than the fields. */
export function violatedIndex(error: unknown): string | null {
  const e = error as { code?: string; meta?: unknown };
  if (e?.code !== 'P2002') return null;
  return JSON.stringify(e.meta ?? '');
}

/**
 * A Date as a `timestamp(3)` literal in raw SQL. Columns hold UTC without a zone (as Prisma
 * writes them); casting the UTC text keeps that true whatever the session's TimeZone is.
 */
export function sqlTimestamp(date: Date | null): Prisma.Sql {
  return date ? Prisma.sql`${date.toISOString().replace('Z', '')}::timestamp` : Prisma.sql`NULL::timestamp`;
}
