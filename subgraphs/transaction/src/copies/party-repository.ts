// What this service knows about people from other services' events: each user's safety grade
// (safety.score_changed), protection settings and account status (user.*), and monitor holds.
// Written only by event handlers; read when a trade starts or moves on.
import { Prisma, sqlTimestamp, type TransactionPrisma, type Tx } from '../database.ts';
import type { AccountStatus, SafetyGrade } from '../model.ts';

export interface PartyState {
  userId: string;
  /** Null until safety scored the user (then treat as NORMAL). */
  grade: SafetyGrade | null;
  score: number | null;
  protectedMode: boolean;
  minCounterpartGrade: SafetyGrade | null;
  accountStatus: AccountStatus;
  statusUntil: Date | null;
  held: boolean;
  holdExpiresAt: Date | null;
  /** The monitor restricted the account (RESTRICT_ACCOUNT) until an admin clears it. */
  restricted: boolean;
}

export class PartyRepository {
  constructor(private readonly prisma: TransactionPrisma) {}

  /** Everything known about these users, in one statement; unknown users get defaults. */
  async statesOf(userIds: readonly string[]): Promise<Map<string, PartyState>> {
    const rows = await this.prisma.$queryRaw<PartyState[]>(Prisma.sql`
      SELECT u.id::text AS "userId", s.grade::text AS "grade", s.score AS "score",
             coalesce(c.protected_mode, false) AS "protectedMode", c.min_counterpart_grade::text AS "minCounterpartGrade",
             coalesce(c.account_status, 'ACTIVE') AS "accountStatus", c.status_until AS "statusUntil",
             coalesce(h.active, false) AS "held", h.expires_at AS "holdExpiresAt",
             coalesce(r.active, false) AS "restricted"
        FROM unnest(${[...userIds]}::uuid[]) AS u(id)
        LEFT JOIN safety_copies s ON s.user_id = u.id
        LEFT JOIN user_copies c ON c.user_id = u.id
        LEFT JOIN trade_holds h ON h.user_id = u.id
        LEFT JOIN account_restrictions r ON r.user_id = u.id`);
    return new Map(rows.map((row) => [row.userId, row]));
  }

  async safetyOf(tx: Tx, userId: string): Promise<{ grade: SafetyGrade; score: number } | null> {
    return tx.safetyCopy.findUnique({ where: { userId }, select: { grade: true, score: true } });
  }

  /** Keeps the copy with the highest version; returns false when the event was older than what we have. */
  async applySafety(tx: Tx, copy: { userId: string; grade: SafetyGrade; score: number; version: number; changedAt: Date }): Promise<boolean> {
    const applied = await tx.$executeRaw(Prisma.sql`
      INSERT INTO safety_copies (user_id, grade, score, version, changed_at)
      VALUES (${copy.userId}::uuid, ${copy.grade}::"SafetyGrade", ${copy.score}, ${copy.version}, ${sqlTimestamp(copy.changedAt)})
      ON CONFLICT (user_id) DO UPDATE
         SET grade = EXCLUDED.grade, score = EXCLUDED.score, version = EXCLUDED.version, changed_at = EXCLUDED.changed_at
       WHERE safety_copies.version < EXCLUDED.version`);
    return applied === 1;
  }

  /** Protection settings; an event older than the stored one changes nothing. */
  async applyProfile(tx: Tx, data: { userId: string; protectedMode: boolean; minCounterpartGrade: SafetyGrade | null | undefined; at: Date }): Promise<void> {
    // undefined = the producer did not say (older producers): keep what we have.
    const keepMin = data.minCounterpartGrade === undefined;
    await tx.$executeRaw(Prisma.sql`
      INSERT INTO user_copies (user_id, protected_mode, min_counterpart_grade, profile_at)
      VALUES (${data.userId}::uuid, ${data.protectedMode}, ${data.minCounterpartGrade ?? null}::"SafetyGrade", ${sqlTimestamp(data.at)})
      ON CONFLICT (user_id) DO UPDATE
         SET protected_mode = EXCLUDED.protected_mode,
             min_counterpart_grade = CASE WHEN ${keepMin} THEN user_copies.min_counterpart_grade ELSE EXCLUDED.min_counterpart_grade END,
             profile_at = EXCLUDED.profile_at
       WHERE user_copies.profile_at IS NULL OR user_copies.profile_at <= EXCLUDED.profile_at`);
  }

  async applyAccountStatus(tx: Tx, data: { userId: string; status: PartyState['accountStatus']; until: Date | null; at: Date }): Promise<void> {
    await tx.$executeRaw(Prisma.sql`
      INSERT INTO user_copies (user_id, account_status, status_until, status_at)
      VALUES (${data.userId}::uuid, ${data.status}, ${sqlTimestamp(data.until)}, ${sqlTimestamp(data.at)})
      ON CONFLICT (user_id) DO UPDATE
         SET account_status = EXCLUDED.account_status, status_until = EXCLUDED.status_until, status_at = EXCLUDED.status_at
       WHERE user_copies.status_at IS NULL OR user_copies.status_at <= EXCLUDED.status_at`);
  }

  async isRestricted(userId: string): Promise<boolean> {
    const row = await this.prisma.accountRestriction.findUnique({ where: { userId }, select: { active: true } });
    return row?.active ?? false;
  }

  /** RESTRICT_ACCOUNT (active) or CLEAR (inactive); a late, older action never undoes a newer one. */
  async applyRestriction(tx: Tx, data: { userId: string; active: boolean; reason: string; at: Date }): Promise<void> {
    await tx.$executeRaw(Prisma.sql`
      INSERT INTO account_restrictions (user_id, active, reason, action_at)
      VALUES (${data.userId}::uuid, ${data.active}, ${data.reason}, ${sqlTimestamp(data.at)})
      ON CONFLICT (user_id) DO UPDATE
         SET active = EXCLUDED.active, reason = EXCLUDED.reason, action_at = EXCLUDED.action_at
       WHERE account_restrictions.action_at <= EXCLUDED.action_at`);
  }

  /** HOLD_TRANSACTIONS (active) or CLEAR (inactive); a late, older action never undoes a newer one. */
  async applyHold(tx: Tx, data: { userId: string; active: boolean; reason: string; expiresAt: Date | null; at: Date }): Promise<void> {
    await tx.$executeRaw(Prisma.sql`
      INSERT INTO trade_holds (user_id, active, reason, expires_at, action_at)
      VALUES (${data.userId}::uuid, ${data.active}, ${data.reason}, ${sqlTimestamp(data.expiresAt)}, ${sqlTimestamp(data.at)})
      ON CONFLICT (user_id) DO UPDATE
         SET active = EXCLUDED.active, reason = EXCLUDED.reason, expires_at = EXCLUDED.expires_at, action_at = EXCLUDED.action_at
       WHERE trade_holds.action_at <= EXCLUDED.action_at`);
  }
}
