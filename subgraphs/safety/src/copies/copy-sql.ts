// What every writer of the projection shares (the copies of users, trades, reports and risk
// signals): how a time is passed to a `timestamp without time zone` column, and how a fact's write
// makes sure its users have a user_inputs row, which is how the nightly batch and the rebuild know them.
import type { SqlExecutor } from '@anshim/platform';

/** Parameters for `timestamp without time zone` columns: UTC wall-clock text. */
export const ts = (date: Date) => date.toISOString();

/**
 * Prefixes a fact's write with `touch` (a user_inputs row for each user) as a CTE of the same
 * statement: one round trip instead of two per event. `param` is the index of the uuid[] parameter
 * the caller appends.
 */
export const touching = (param: number, statement: string) =>
  `WITH touched AS (INSERT INTO user_inputs (user_id, updated_at) SELECT DISTINCT unnest($${param}::uuid[]), now() ON CONFLICT (user_id) DO NOTHING)
   ${statement}`;

/** Makes sure the users have a row, in a statement of its own. */
export async function touchUsers(tx: SqlExecutor, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return;
  await tx.$executeRawUnsafe(
    `INSERT INTO user_inputs (user_id, updated_at) SELECT unnest($1::uuid[]), now() ON CONFLICT (user_id) DO NOTHING`,
    [...new Set(userIds)],
  );
}
