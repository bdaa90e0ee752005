// The service's Prisma client, pinned to the svc_report schema. Only repositories use it; services
// hold an opaque transaction handle (`Tx`) so one change and its outbox event commit together.
import { databaseFactory } from '@anshim/platform';
import { PrismaClient, type Prisma } from './generated/prisma/client.ts';

export type ReportPrisma = PrismaClient;
/** A client usable inside `prisma.$transaction(async (tx) => …)`, or the root client itself. */
export type Tx = Prisma.TransactionClient;

export const createDatabase = databaseFactory(PrismaClient, 'report');

/** Runs `work` in one database transaction. */
export function transaction<T>(prisma: ReportPrisma, work: (tx: Tx) => Promise<T>): Promise<T> {
  return prisma.$transaction(work);
}
