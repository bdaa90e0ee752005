// Linked OpenID Connect identities: the only code that reads or writes `oidc_identities`.
import { isUniqueViolation, translatePrismaError } from '@anshim/platform';
import type { Prisma } from '../generated/prisma/client.ts';
import type { Tx, UserPrisma } from '../database.ts';

const linkedSelect = { provider: true, subject: true, userId: true, email: true, linkedAt: true } as const satisfies Prisma.OidcIdentitySelect;
export type LinkedIdentityRecord = Prisma.OidcIdentityGetPayload<{ select: typeof linkedSelect }>;

export class OidcRepository {
  constructor(private readonly prisma: UserPrisma) {}

  async find(provider: string, subject: string, db: Tx = this.prisma): Promise<LinkedIdentityRecord | null> {
    return db.oidcIdentity.findUnique({ where: { provider_subject: { provider, subject } }, select: linkedSelect });
  }

  async ofUser(userId: string, provider: string, db: Tx = this.prisma): Promise<LinkedIdentityRecord | null> {
    return db.oidcIdentity.findUnique({ where: { userId_provider: { userId, provider } }, select: linkedSelect });
  }

  async listOf(userId: string): Promise<LinkedIdentityRecord[]> {
    return this.prisma.oidcIdentity.findMany({ where: { userId }, orderBy: { linkedAt: 'asc' }, select: linkedSelect });
  }

  /** False when the identity or the user's slot for this provider was taken concurrently. */
  async link(tx: Tx, data: { provider: string; subject: string; userId: string; email: string | null; linkedAt: Date }): Promise<boolean> {
    try {
      await tx.oidcIdentity.create({ data, select: { provider: true } });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      return translatePrismaError(error);
    }
  }

  /** Removes the user's link to `provider`; false when there was none. */
  async unlink(tx: Tx, userId: string, provider: string): Promise<boolean> {
    const { count } = await tx.oidcIdentity.deleteMany({ where: { userId, provider } });
    return count > 0;
  }

  async countOf(tx: Tx, userId: string): Promise<number> {
    return tx.oidcIdentity.count({ where: { userId } });
  }
}
