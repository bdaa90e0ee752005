// Accounts and their verifications: the only code that reads or writes `users` and `verifications`.
// Every query names its columns; the password hash leaves this file only through `findCredentials`.
import { isUniqueViolation, isUuid, readByUuids, translatePrismaError, type SqlExecutor } from '@anshim/platform';
import type { Prisma } from '../generated/prisma/client.ts';
import type { Tx, UserPrisma } from '../database.ts';
import { userSelect, verificationSelect, type UserRecord, type VerificationMethod, type VerificationRecord } from '../model.ts';

export interface Credentials {
  id: string;
  passwordHash: string;
  role: UserRecord['role'];
  status: UserRecord['status'];
  statusUntil: Date | null;
}

export interface NewUser {
  email: string;
  passwordHash: string;
  nickname: string;
  phoneEncrypted: string | null;
  phoneHash: string | null;
  pendingPhoneEncrypted?: string | null;
  role?: UserRecord['role'];
}

export interface UserChanges {
  nickname?: string;
  phoneEncrypted?: string | null;
  phoneHash?: string | null;
  pendingPhoneEncrypted?: string | null;
  bio?: string | null;
  region?: string | null;
  protectedMode?: boolean;
  minCounterpartGrade?: UserRecord['minCounterpartGrade'];
  protectChats?: boolean;
  status?: UserRecord['status'];
  statusUntil?: Date | null;
  statusReason?: string | null;
}

/** Which unique column a write collided with, so the service can say "email taken" vs "phone taken". */
export type UniqueField = 'email' | 'phone';
export class UniqueViolation extends Error {
  constructor(readonly field: UniqueField) {
    super(`unique violation on ${field}`);
    this.name = 'UniqueViolation';
  }
}

function rethrowUnique(error: unknown): never {
  if (isUniqueViolation(error)) {
    // With the pg driver adapter Prisma reports the violated index name, not the field list.
    const index = JSON.stringify((error as { meta?: unknown }).meta ?? '');
    if (index.includes('users_email_key')) throw new UniqueViolation('email');
    if (index.includes('users_phone_hash_key')) throw new UniqueViolation('phone');
  }
  return translatePrismaError(error);
}

/**
 * The `_entities` read (every page that names sellers or members asks it): userSelect's columns in
 * one prepared statement on plain pg, not Prisma's typed findMany, whose per-call work was about
 * 15% of this subgraph's busy CPU on the products page (bench/RESULTS.md, "Subgraph CPU per page").
 */
const USERS_BY_IDS = `
SELECT id::text AS "id", email, nickname, phone_encrypted AS "phoneEncrypted",
       pending_phone_encrypted AS "pendingPhoneEncrypted", bio, region, role::text AS "role",
       status::text AS "status", status_until AS "statusUntil", protected_mode AS "protectedMode",
       min_counterpart_grade::text AS "minCounterpartGrade", protect_chats AS "protectChats",
       two_factor_enabled AS "twoFactorEnabled", photo_key AS "photoKey",
       created_at AS "createdAt", updated_at AS "updatedAt"
  FROM users WHERE id = ANY($1::uuid[])`;

export class UserRepository {
  constructor(
    private readonly prisma: UserPrisma,
    /** Plain pg on this service's schema (platform PlainSql): the hot batched reads. */
    private readonly reads: SqlExecutor,
  ) {}

  async findById(id: string, db: Tx = this.prisma): Promise<UserRecord | null> {
    if (!isUuid(id)) return null;
    return db.user.findUnique({ where: { id }, select: userSelect });
  }

  /** One query for many ids (DataLoader batches `_entities` and nested users through this). */
  async findManyByIds(ids: readonly string[]): Promise<UserRecord[]> {
    return readByUuids(ids, async (valid) => this.reads.$queryRawUnsafe<UserRecord[]>(USERS_BY_IDS, valid));
  }

  /**
   * ADMIN member search: the account with this id, or accounts whose email or nickname contains the
   * text (case-insensitive), newest first. Deleted (anonymised) accounts are left out.
   */
  async search(text: string, first: number): Promise<UserRecord[]> {
    // Prisma puts `contains` inside an ILIKE pattern as given: its wildcards must match themselves.
    const literal = text.replace(/[\\%_]/g, (char) => `\\${char}`);
    const where: Prisma.UserWhereInput = isUuid(text)
      ? { id: text.toLowerCase(), deletedAt: null }
      : { deletedAt: null, OR: [{ email: { contains: literal, mode: 'insensitive' } }, { nickname: { contains: literal, mode: 'insensitive' } }] };
    return this.prisma.user.findMany({ where, select: userSelect, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: first });
  }

  async findByEmail(email: string): Promise<UserRecord | null> {
    return this.prisma.user.findUnique({ where: { email }, select: userSelect });
  }

  async findCredentials(email: string): Promise<Credentials | null> {
    return this.prisma.user.findUnique({
      where: { email },
      select: { id: true, passwordHash: true, role: true, status: true, statusUntil: true },
    });
  }

  async emailExists(email: string): Promise<boolean> {
    return (await this.prisma.user.count({ where: { email } })) > 0;
  }

  async phoneHashTaken(phoneHash: string, exceptUserId?: string): Promise<boolean> {
    const where: Prisma.UserWhereInput = exceptUserId ? { phoneHash, NOT: { id: exceptUserId } } : { phoneHash };
    return (await this.prisma.user.count({ where })) > 0;
  }

  async create(tx: Tx, data: NewUser): Promise<UserRecord> {
    try {
      return await tx.user.create({ data, select: userSelect });
    } catch (error) {
      rethrowUnique(error);
    }
  }

  async update(tx: Tx, id: string, changes: UserChanges): Promise<UserRecord> {
    try {
      return await tx.user.update({ where: { id }, data: changes, select: userSelect });
    } catch (error) {
      rethrowUnique(error);
    }
  }

  async verificationsOf(userIds: readonly string[]): Promise<VerificationRecord[]> {
    return readByUuids(userIds, (valid) =>
      this.prisma.verification.findMany({
        where: { userId: { in: valid } },
        select: verificationSelect,
        orderBy: { verifiedAt: 'asc' },
      }),
    );
  }

  async addVerification(tx: Tx, userId: string, method: VerificationMethod, at: Date): Promise<void> {
    await tx.verification.upsert({
      where: { userId_method: { userId, method } },
      create: { userId, method, verifiedAt: at },
      update: { verifiedAt: at },
      select: { userId: true },
    });
  }

  /** Returns whether a verification was removed. */
  async removeVerification(tx: Tx, userId: string, method: VerificationMethod): Promise<boolean> {
    const { count } = await tx.verification.deleteMany({ where: { userId, method } });
    return count > 0;
  }
}
