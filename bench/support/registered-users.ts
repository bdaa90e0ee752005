// Many users for a benchmark, registered the way the user service registers them but without
// argon2 on every one: a user row and its user.registered event written in one transaction into
// the user service's own schema (its transactional outbox). The running user process's relay then
// publishes the events, and every subscriber (the safety worker first of all) consumes them exactly
// as after a sign-up through the gateway. One real argon2id hash is shared by all rows: nobody logs
// in as these users, and hashing thousands of passwords would make the seeding, not the bench, slow.
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { postgresSchemaFor, recordEvent, type SqlExecutor } from '@anshim/platform';
import { hashPassword } from '../../subgraphs/user/src/auth/password.ts';

/** recordEvent's executor over a plain pg client (its transaction is the caller's BEGIN/COMMIT). */
export class PgExecutor implements SqlExecutor {
  constructor(private readonly client: pg.Client) {}
  async $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> {
    return (await this.client.query(query, values)).rowCount ?? 0;
  }
  async $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> {
    return (await this.client.query(query, values)).rows as T;
  }
}

/** Registers `count` users (in transactions of `chunk`) and returns their ids. */
/** `registeredAt` backdates the sign-ups (a marketplace whose listings and trades are older than today). */
export async function registerUsersThroughOutbox(databaseUrl: string, count: number, options: { chunk?: number; emailPrefix?: string; registeredAt?: Date } = {}): Promise<string[]> {
  const chunk = options.chunk ?? 500;
  const prefix = options.emailPrefix ?? `bench-${randomBytes(4).toString('hex')}`;
  const passwordHash = await hashPassword('bench password 1234');
  const client = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${postgresSchemaFor('user')}` });
  await client.connect();
  const tx = new PgExecutor(client);
  const ids: string[] = [];
  try {
    for (let from = 0; from < count; from += chunk) {
      const batch = Array.from({ length: Math.min(chunk, count - from) }, (_, i) => ({ id: randomUUID(), email: `${prefix}-${from + i}@bench.test` }));
      const createdAt = options.registeredAt ?? new Date();
      await client.query('BEGIN');
      try {
        await client.query(
          `INSERT INTO users (id, email, password_hash, nickname, created_at, updated_at)
           SELECT id, email, $3, 'bench', $4::timestamp, $4::timestamp FROM unnest($1::uuid[], $2::text[]) AS u(id, email)`,
          [batch.map((u) => u.id), batch.map((u) => u.email), passwordHash, createdAt.toISOString()],
        );
        for (const user of batch) {
          await recordEvent(tx, {
            type: 'user.registered',
            producer: 'user',
            subjectUserId: user.id,
            data: { userId: user.id, nickname: 'bench', createdAt: createdAt.toISOString() },
            occurredAt: createdAt,
          });
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
      ids.push(...batch.map((u) => u.id));
    }
  } finally {
    await client.end();
  }
  return ids;
}

/**
 * Verifications (EMAIL, ID_CARD) the way the user service records a confirmed one: the row and its
 * user.verified event in one transaction, so safety scores them and the user's own fields agree.
 */
export async function verifyUsersThroughOutbox(databaseUrl: string, verifications: Array<{ userId: string; method: 'EMAIL' | 'ID_CARD' }>, verifiedAt: Date): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${postgresSchemaFor('user')}` });
  await client.connect();
  const tx = new PgExecutor(client);
  try {
    for (let from = 0; from < verifications.length; from += 500) {
      const batch = verifications.slice(from, from + 500);
      await client.query('BEGIN');
      try {
        await client.query(
          `INSERT INTO verifications (user_id, method, verified_at)
           SELECT user_id, method::"VerificationMethod", $3::timestamp FROM unnest($1::uuid[], $2::text[]) AS v(user_id, method)`,
          [batch.map((v) => v.userId), batch.map((v) => v.method), verifiedAt.toISOString()],
        );
        for (const { userId, method } of batch) {
          await recordEvent(tx, { type: 'user.verified', producer: 'user', subjectUserId: userId, data: { userId, method, verifiedAt: verifiedAt.toISOString() }, occurredAt: verifiedAt });
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    }
  } finally {
    await client.end();
  }
}
