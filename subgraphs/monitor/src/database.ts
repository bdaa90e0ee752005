// The service's Prisma client, pinned to the svc_monitor schema. Only repositories use it; services
// hold an opaque transaction handle (`Tx`) so one change and its outbox event commit together.
import { createPrismaClient } from '@anshim/platform';
import { PrismaClient, type Prisma } from './generated/prisma/client.ts';

export type MonitorPrisma = PrismaClient;
/** A client usable inside `prisma.$transaction(async (tx) => …)`, or the root client itself. */
export type Tx = Prisma.TransactionClient;

export interface DatabaseOptions {
  databaseUrl: string;
  /** Called with every SQL statement (tests count queries to prove batching). */
  onQuery?: (sql: string) => void;
}

export function createDatabase(options: DatabaseOptions): MonitorPrisma {
  const prisma = createPrismaClient(PrismaClient, { databaseUrl: options.databaseUrl, service: 'monitor' }, { logQueries: Boolean(options.onQuery) });
  if (options.onQuery) {
    const onQuery = options.onQuery;
    (prisma as unknown as { $on(event: 'query', cb: (e: Prisma.QueryEvent) => void): void }).$on('query', (e) => onQuery(e.query));
  }
  return prisma;
}

/** Runs `work` in one database transaction. */
export function transaction<T>(prisma: MonitorPrisma, work: (tx: Tx) => Promise<T>): Promise<T> {
  return prisma.$transaction(work);
}
