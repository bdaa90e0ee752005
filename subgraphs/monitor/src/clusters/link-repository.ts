// The only code that touches account_links and confirmed_fraud_accounts (and reads known_users'
// bans for them). Every read takes the consumer's transaction, so a link written by the event being
// handled counts in the same event's cluster check.
import type { MonitorPrisma, Tx } from '../database.ts';
import type { ClusterGraph, HeldValue, LinkValue } from './explore-cluster.ts';
import type { LinkKind } from './cluster-limits.ts';

type Db = Tx | MonitorPrisma;

export class LinkRepository {
  /** Stores the account's links; returns the ones it did not hold before. */
  async record(tx: Tx, userId: string, values: readonly LinkValue[], at: Date): Promise<LinkValue[]> {
    if (values.length === 0) return [];
    const rows = await tx.$queryRaw<Array<{ kind: LinkKind; valueHash: string }>>`
      INSERT INTO account_links (kind, value_hash, user_id, first_seen_at)
      SELECT DISTINCT k, h, ${userId}::uuid, ${at.toISOString()}::timestamp
        FROM unnest(${values.map((v) => v.kind)}::text[], ${values.map((v) => v.valueHash)}::text[]) AS t(k, h)
      ON CONFLICT DO NOTHING
      RETURNING kind, value_hash AS "valueHash"`;
    return rows;
  }

  /** The hashes among these that the account already holds (it wrote them first). */
  async heldBy(db: Db, userId: string, kind: LinkKind, hashes: readonly string[]): Promise<Set<string>> {
    if (hashes.length === 0) return new Set();
    const rows = await db.accountLink.findMany({ where: { userId, kind, valueHash: { in: [...hashes] } }, select: { valueHash: true } });
    return new Set(rows.map((row) => row.valueHash));
  }

  /** The cluster graph as explore-cluster.ts reads it: one indexed query per call. */
  graph(db: Db): ClusterGraph {
    return {
      valuesOf: async (userIds) =>
        userIds.length === 0
          ? []
          : db.$queryRaw<HeldValue[]>`
              SELECT kind, value_hash AS "valueHash", user_id::text AS "userId" FROM account_links WHERE user_id = ANY(${[...userIds]}::uuid[])`,
      holdersOf: async (values, limit) =>
        values.length === 0
          ? []
          : db.$queryRaw<HeldValue[]>`
              SELECT v.kind, v.value_hash AS "valueHash", l.user_id::text AS "userId"
                FROM unnest(${values.map((v) => v.kind)}::text[], ${values.map((v) => v.valueHash)}::text[]) AS v(kind, value_hash)
                CROSS JOIN LATERAL (
                  SELECT user_id FROM account_links a WHERE a.kind = v.kind AND a.value_hash = v.value_hash ORDER BY first_seen_at LIMIT ${limit}
                ) l`,
    };
  }

  /** Which of these accounts are banned (known_users) or confirmed as fraud by an accepted report. */
  async confirmedAmong(db: Db, userIds: readonly string[]): Promise<Map<string, { banned: boolean }>> {
    if (userIds.length === 0) return new Map();
    const rows = await db.$queryRaw<Array<{ userId: string; banned: boolean }>>`
      SELECT id::text AS "userId", true AS banned FROM known_users WHERE id = ANY(${[...userIds]}::uuid[]) AND account_status = 'BANNED'
      UNION ALL
      SELECT user_id::text, false FROM confirmed_fraud_accounts WHERE user_id = ANY(${[...userIds]}::uuid[])`;
    const confirmed = new Map<string, { banned: boolean }>();
    for (const row of rows) confirmed.set(row.userId, { banned: (confirmed.get(row.userId)?.banned ?? false) || row.banned });
    return confirmed;
  }

  async markConfirmed(tx: Tx, userId: string, at: Date): Promise<void> {
    await tx.confirmedFraudAccount.upsert({ where: { userId }, create: { userId, confirmedAt: at }, update: {} });
  }

  async isBanned(db: Db, userId: string): Promise<boolean> {
    return (await db.knownUser.count({ where: { id: userId, accountStatus: 'BANNED' } })) > 0;
  }
}
