// One statement per change to a member's copy (user_copies), in the consumer's transaction:
// creates the copy with the change when chat has none yet, otherwise applies the change only when
// the copy's stamp for that part (the time or version of the event that last set it) is unknown
// or not newer, so an older event arriving late never moves it back and a repeated one writes the
// same values again. Before (issue 18) each change was Prisma's upsert then updateMany: two round
// trips per event, each holding one of chat's pool connections while the sends waited for one.
import { Prisma } from '../generated/prisma/client.ts';
import type { Tx } from '../database.ts';

/** The column that orders one part of the copy: a time, or the grade's version. */
export type CopyStamp = 'status_at' | 'restricted_at' | 'verification_at' | 'profile_at' | 'held_at' | 'warned_at' | 'grade_version';

/** A column of user_copies and its new value, already typed for PostgreSQL (the helpers below). */
export type CopyColumn = readonly [column: string, value: Prisma.Sql];

/** Sets `columns` (the stamp among them) on the member's copy unless its `stamp` is newer. */
export async function writeUserCopy(tx: Tx, userId: string, stamp: CopyStamp, columns: readonly CopyColumn[]): Promise<void> {
  const names = columns.map(([column]) => column);
  if (!names.includes(stamp)) throw new Error(`writeUserCopy: the change must set its stamp ${stamp}`);
  await tx.$executeRaw(Prisma.sql`
    INSERT INTO user_copies (user_id, ${Prisma.raw(names.join(', '))})
    VALUES (${userId}::uuid, ${Prisma.join(columns.map(([, value]) => value))})
    ON CONFLICT (user_id) DO UPDATE SET ${Prisma.raw(names.map((name) => `${name} = EXCLUDED.${name}`).join(', '))}
     WHERE user_copies.${Prisma.raw(stamp)} IS NULL OR user_copies.${Prisma.raw(stamp)} <= EXCLUDED.${Prisma.raw(stamp)}`);
}

/**
 * A Date as `timestamp(3)`: the columns hold UTC without a zone (as Prisma writes them); casting
 * the UTC text keeps that true whatever the session's TimeZone is.
 */
export function timeValue(date: Date | null): Prisma.Sql {
  return date ? Prisma.sql`${date.toISOString().replace('Z', '')}::timestamp` : Prisma.sql`NULL::timestamp`;
}

export function boolValue(value: boolean): Prisma.Sql {
  return Prisma.sql`${value}::boolean`;
}

export function textValue(value: string | null): Prisma.Sql {
  return Prisma.sql`${value}::text`;
}

export function textsValue(values: readonly string[]): Prisma.Sql {
  return Prisma.sql`${[...values]}::text[]`;
}

export function intValue(value: number): Prisma.Sql {
  return Prisma.sql`${value}::int`;
}
