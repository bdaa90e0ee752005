// What every writer of the projection shares (the copies of users, trades, reports and risk
// signals): how a time is passed to a `timestamp without time zone` column, how a fact's write
// makes sure its users have a user_inputs row, which is how the nightly batch and the rebuild know
// them, and how one of a member's times in user_inputs only ever moves one way.
import type { SqlExecutor } from '@anshim/platform';

/** Parameters for `timestamp without time zone` columns: UTC wall-clock text. */
export const ts = (date: Date) => date.toISOString();

/**
 * Runs a fact's write with `touch` (a user_inputs row for each of `userIds`) as a CTE of the same
 * statement: one round trip instead of two per event. `statement` numbers `params` from $1; the
 * users go in as the parameter after them. Returns the rows the write affected.
 */
export async function writeFact(tx: SqlExecutor, statement: string, params: readonly unknown[], userIds: readonly string[]): Promise<number> {
  const usersParam = params.length + 1;
  return tx.$executeRawUnsafe(
    `WITH touched AS (INSERT INTO user_inputs (user_id, updated_at) SELECT DISTINCT unnest($${usersParam}::uuid[]), now() ON CONFLICT (user_id) DO NOTHING)
     ${statement}`,
    ...params,
    [...userIds],
  );
}

/** Makes sure the users have a row, in a statement of its own. */
export async function touchUsers(tx: SqlExecutor, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return;
  await tx.$executeRawUnsafe(
    `INSERT INTO user_inputs (user_id, updated_at) SELECT unnest($1::uuid[]), now() ON CONFLICT (user_id) DO NOTHING`,
    [...new Set(userIds)],
  );
}

/** The user_inputs times an event moves (see moveUserTime). */
export type UserTimeColumn = 'registered_at' | 'email_verified_at' | 'phone_verified_at' | 'id_card_verified_at' | 'oauth_verified_at' | 'risk_cleared_at';

/**
 * Sets one of a member's times in user_inputs (creating the row), moving it only one way: 'LEAST'
 * keeps the earliest time seen, 'GREATEST' the latest, so a late or repeated event changes nothing.
 * `onlyIf` further limits when an existing row is updated (EXCLUDED is the new value).
 */
export async function moveUserTime(
  tx: SqlExecutor,
  userId: string,
  column: UserTimeColumn,
  keep: 'LEAST' | 'GREATEST',
  at: Date,
  onlyIf?: string,
): Promise<void> {
  await tx.$executeRawUnsafe(
    `INSERT INTO user_inputs (user_id, ${column}, updated_at) VALUES ($1::uuid, $2::timestamp, now())
     ON CONFLICT (user_id) DO UPDATE SET ${column} = ${keep}(COALESCE(user_inputs.${column}, EXCLUDED.${column}), EXCLUDED.${column}), updated_at = now()
     ${onlyIf ? `WHERE (${onlyIf})` : ''}`,
    userId,
    ts(at),
  );
}
