// Units of work outside the event consumer (resolvers, webhooks, the settle job): one database
// transaction whose after-commit work (pushes to subscribers) runs only once it committed. The
// consumer's handlers get the same shape from the kit's hooks (inbound/consumers.ts).
import { AfterCommitHooks, type Logger, type TransactionalSqlClient } from '@anshim/platform';
import type { PaymentPrisma, Tx } from '../database.ts';
import type { Unit } from './escrow.ts';

export type RunUnit = <R>(work: (unit: Unit) => Promise<R>) => Promise<R>;

export function unitRunner(prisma: PaymentPrisma, logger: Logger): RunUnit {
  const hooks = new AfterCommitHooks<Tx>(prisma as unknown as TransactionalSqlClient<Tx>, logger);
  return (work) => hooks.wrapped.$transaction((tx) => work({ tx, defer: (later) => hooks.schedule(tx, later) }));
}
