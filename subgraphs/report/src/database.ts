// The service's Prisma client, pinned to the svc_report schema. Only repositories use it; services
// hold an opaque transaction handle (`Tx`) so one change and its outbox event commit together.
import { createPrismaClient, type DatabaseOptions } from '@anshim/platform';
import { PrismaClient, type Prisma } from './generated/prisma/client.ts';

export type ReportPrisma = PrismaClient;
/** A client usable inside `prisma.$transaction(async (tx) => …)`, or the root client itself. */
export type Tx = Prisma.TransactionClient;

export function createDatabase(options: DatabaseOptions): ReportPrisma {
  return createPrismaClient(PrismaClient, { ...options, service: 'report' });
}

/** Runs `work` in one database transaction. */
export function transaction<T>(prisma: ReportPrisma, work: (tx: Tx) => Promise<T>): Promise<T> {
  return prisma.$transaction(work);
}
