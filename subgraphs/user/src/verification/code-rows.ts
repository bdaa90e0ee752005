// The rows of one-time codes (password resets, sign-in challenges, verification challenges) count
// wrong codes and are used up the same way: one implementation here, each repository names its table.
import { translatePrismaError } from '@anshim/platform';
import type { Tx, UserPrisma } from '../database.ts';

/** What the shared steps need of a code table (Prisma's delegate for it). */
export interface CodeTable {
  updateMany(args: { where: { id: string; consumedAt: null }; data: { attempts: { increment: number } } | { consumedAt: Date } }): PromiseLike<{ count: number }>;
  findUniqueOrThrow(args: { where: { id: string }; select: { attempts: true } }): PromiseLike<{ attempts: number }>;
}

export abstract class CodeRows {
  constructor(protected readonly prisma: UserPrisma) {}

  protected abstract table(db: Tx): CodeTable;

  /** Counts a wrong code atomically, closing the row at `max`; the new count, or null when it was closed meanwhile. */
  async recordWrongAttempt(id: string, max: number, at: Date): Promise<number | null> {
    return this.prisma.$transaction(async (tx) => {
      const table = this.table(tx);
      const { count } = await table.updateMany({ where: { id, consumedAt: null }, data: { attempts: { increment: 1 } } });
      if (count === 0) return null;
      const row = await table.findUniqueOrThrow({ where: { id }, select: { attempts: true } });
      // The increment above holds the row's lock, so it is still open here.
      if (row.attempts >= max) await table.updateMany({ where: { id, consumedAt: null }, data: { consumedAt: at } });
      return row.attempts;
    }).catch(translatePrismaError);
  }

  /** Marks the code used; false when a concurrent use got there first. */
  async consume(tx: Tx, id: string, at: Date): Promise<boolean> {
    const { count } = await this.table(tx).updateMany({ where: { id, consumedAt: null }, data: { consumedAt: at } });
    return count === 1;
  }
}
