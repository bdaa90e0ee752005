// The service's Prisma client, pinned to the svc_transaction schema. Only repositories use it;
// services hold an opaque transaction handle (`Tx`) so one change and its outbox event commit together.
import { databaseFactory } from '@anshim/platform';
import { PrismaClient, Prisma } from './generated/prisma/client.ts';

export { Prisma };
export type TransactionPrisma = PrismaClient;
/** A client usable inside `prisma.$transaction(async (tx) => …)`, or the root client itself. */
export type Tx = Prisma.TransactionClient;

export const createDatabase = databaseFactory(PrismaClient, 'transaction');

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
