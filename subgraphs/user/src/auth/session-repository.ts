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
}

const tokenSelect = { id: true, familyId: true, userId: true, expiresAt: true, usedAt: true, revokedAt: true } as const;

export class SessionRepository {
  constructor(private readonly prisma: UserPrisma) {}

  async create(tx: Tx, data: { familyId: string; userId: string; tokenHash: string; expiresAt: Date }): Promise<void> {
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
}
