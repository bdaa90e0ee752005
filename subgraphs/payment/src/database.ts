// The service's Prisma client, pinned to the svc_payment schema. Only repositories use it; services
// hold an opaque transaction handle (`Tx`) so a status change, its ledger entry and its outbox event
// commit together.
import { databaseFactory } from '@anshim/platform';
import { PrismaClient, type Prisma } from './generated/prisma/client.ts';

export type PaymentPrisma = PrismaClient;
/** A client usable inside `prisma.$transaction(async (tx) => …)`, or the root client itself. */
export type Tx = Prisma.TransactionClient;

export const createDatabase = databaseFactory(PrismaClient, 'payment');

/** Runs `work` in one database transaction. */
export function transaction<T>(prisma: PaymentPrisma, work: (tx: Tx) => Promise<T>): Promise<T> {
  return prisma.$transaction(work);
}
