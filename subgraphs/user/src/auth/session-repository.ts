// Refresh tokens: stored as hashes only, grouped in families (one family per sign-in). Rotation
// marks a token used and issues its successor in the same family; reuse of a used token means
// it leaked, so the whole family is revoked.
import type { Tx, UserPrisma } from '../database.ts';

export interface RefreshTokenRecord {
  id: string;
  familyId: string;
  userId: string;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
  deviceId: string | null;
  client: string | null;
  /** The family was opened with the SMS second factor. */
  secondFactor: boolean;
}

/** One signed-in device or browser as User.sessions shows it: a family with a token still usable. */
export interface SessionRecord {
  id: string;
  deviceId: string | null;
  client: string | null;
  createdAt: Date;
  lastUsedAt: Date;
}

const tokenSelect = { id: true, familyId: true, userId: true, expiresAt: true, usedAt: true, revokedAt: true, deviceId: true, client: true, secondFactor: true } as const;

/** At most this many sessions are listed (newest use first); older ones still work and are revoked by a password change. */
export const MAX_LISTED_SESSIONS = 50;

export class SessionRepository {
  constructor(private readonly prisma: UserPrisma) {}

  async create(tx: Tx, data: { familyId: string; userId: string; tokenHash: string; expiresAt: Date; deviceId?: string | null; client?: string | null; secondFactor?: boolean }): Promise<void> {
    await tx.refreshToken.create({ data, select: { id: true } });
  }

  async findByHash(tokenHash: string): Promise<RefreshTokenRecord | null> {
    return this.prisma.refreshToken.findUnique({ where: { tokenHash }, select: tokenSelect });
  }

  /**
   * Claims a token for rotation. False when another request used or revoked it first: two
   * concurrent refreshes with one token are treated as reuse.
   */
  async claim(tx: Tx, id: string, at: Date): Promise<boolean> {
    const { count } = await tx.refreshToken.updateMany({ where: { id, usedAt: null, revokedAt: null }, data: { usedAt: at } });
    return count === 1;
  }

  async revokeFamily(familyId: string, at: Date): Promise<number> {
    const { count } = await this.prisma.refreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: at } });
    return count;
  }

  async revokeAllOfUser(userId: string, at: Date, db: Tx = this.prisma): Promise<number> {
    const { count } = await db.refreshToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: at } });
    return count;
  }

  /** Families of the user with a token that can still be rotated, newest use first (one query). */
  async listActive(userId: string, now: Date): Promise<SessionRecord[]> {
    return this.prisma.$queryRaw<SessionRecord[]>`
      SELECT family_id::text AS id,
             (array_agg(device_id ORDER BY created_at DESC))[1] AS "deviceId",
             (array_agg(client ORDER BY created_at DESC))[1] AS client,
             min(created_at) AS "createdAt",
             max(created_at) AS "lastUsedAt"
      FROM refresh_tokens
      WHERE user_id = ${userId}::uuid
      GROUP BY family_id
      HAVING count(*) FILTER (WHERE used_at IS NULL AND revoked_at IS NULL AND expires_at > ${now}) > 0
      ORDER BY max(created_at) DESC
      LIMIT ${MAX_LISTED_SESSIONS}`;
  }

  /** How many of the user's families can still be rotated (the same sessions listActive lists, uncapped). */
  async countActive(userId: string, now: Date): Promise<number> {
    const [row] = await this.prisma.$queryRaw<Array<{ count: number }>>`
      SELECT count(DISTINCT family_id)::int AS count FROM refresh_tokens
      WHERE user_id = ${userId}::uuid AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ${now}`;
    return row?.count ?? 0;
  }

  /** Whose family this is (null when no such family). */
  async familyOwner(familyId: string): Promise<string | null> {
    const row = await this.prisma.refreshToken.findFirst({ where: { familyId }, select: { userId: true } });
    return row?.userId ?? null;
  }

  /** The user's families that still have an unrevoked token, optionally but one (changePassword keeps the caller's). */
  async openFamilies(userId: string, except: string | null = null, db: Tx = this.prisma): Promise<string[]> {
    const rows = await db.refreshToken.findMany({
      where: { userId, revokedAt: null, ...(except ? { familyId: { not: except } } : {}) },
      select: { familyId: true },
      distinct: ['familyId'],
    });
    return rows.map((r) => r.familyId);
  }

  async revokeFamilies(familyIds: readonly string[], at: Date, db: Tx = this.prisma): Promise<number> {
    if (familyIds.length === 0) return 0;
    const { count } = await db.refreshToken.updateMany({ where: { familyId: { in: [...familyIds] }, revokedAt: null }, data: { revokedAt: at } });
    return count;
  }
}
