// The verification requirement rows (REQUIRE_VERIFICATION as this service decides it): the only code
// that reads or writes `verification_requirements`. Writers first lock the member's `users` row, so
// a monitor action and a verification landing at the same moment are decided one after the other.
import type { Tx, UserPrisma } from '../database.ts';

export type RequiredMethod = 'SMS' | 'ID_CARD';
export const REQUIRED_METHODS: readonly RequiredMethod[] = ['SMS', 'ID_CARD'];

export interface RequirementRow {
  required: boolean;
  missing: RequiredMethod[];
  actionAt: Date;
  imposedAt: Date | null;
  satisfiedAt: Date | null;
  changedAt: Date;
}

const select = { required: true, missing: true, actionAt: true, imposedAt: true, satisfiedAt: true, changedAt: true } as const;

export class RequirementRepository {
  constructor(private readonly prisma: UserPrisma) {}

  /**
   * Locks the member's account row for the rest of the transaction (FOR NO KEY UPDATE: foreign-key
   * inserts elsewhere are not blocked) and returns whether the member exists.
   */
  async lockMember(tx: Tx, userId: string): Promise<boolean> {
    const rows = await tx.$queryRaw<Array<{ id: string }>>`SELECT id::text FROM users WHERE id = ${userId}::uuid FOR NO KEY UPDATE`;
    return rows.length === 1;
  }

  async find(userId: string, db: Tx = this.prisma): Promise<RequirementRow | null> {
    const row = await db.verificationRequirement.findUnique({ where: { userId }, select });
    return row ? { ...row, missing: row.missing as RequiredMethod[] } : null;
  }

  async save(tx: Tx, userId: string, row: RequirementRow): Promise<void> {
    await tx.verificationRequirement.upsert({ where: { userId }, create: { userId, ...row }, update: row, select: { userId: true } });
  }

  /** Of SMS and ID card, what the member has not verified (read inside the caller's transaction). */
  async missingOf(tx: Tx, userId: string): Promise<RequiredMethod[]> {
    const rows = await tx.verification.findMany({ where: { userId, method: { in: [...REQUIRED_METHODS] } }, select: { method: true } });
    const done = new Set<string>(rows.map((row) => row.method));
    return REQUIRED_METHODS.filter((method) => !done.has(method));
  }
}
