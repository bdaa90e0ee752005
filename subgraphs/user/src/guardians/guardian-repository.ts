// Guardians and what the guardian notifications need: the only code that reads or writes
// `guardians`, `guardian_notifications`, `guardian_invitations` and `guardian_counterpart_notices`
// (the event-fed copies of grades and trade pairs are copies/counterpart-repository.ts). The phone
// stays encrypted here; the invitation code is only a keyed hash.
import { isUniqueViolation, translatePrismaError } from '@anshim/platform';
import type { Prisma } from '../generated/prisma/client.ts';
import type { Tx, UserPrisma } from '../database.ts';

export const guardianSelect = {
  id: true, userId: true, name: true, relation: true, phoneEncrypted: true, codeHash: true, codeExpiresAt: true,
  attempts: true, confirmedAt: true, approvesPayments: true, createdAt: true,
} as const satisfies Prisma.GuardianSelect;

export type GuardianRecord = Prisma.GuardianGetPayload<{ select: typeof guardianSelect }>;

export interface NewGuardian {
  id: string;
  userId: string;
  name: string;
  relation: string;
  phoneEncrypted: string;
  phoneHash: string;
  codeHash: string;
  codeExpiresAt: Date;
}

/** The same number named twice by one user. */
export class DuplicateGuardian extends Error {}

export class GuardianRepository {
  constructor(private readonly prisma: UserPrisma) {}

  async listOf(userId: string, db: Tx = this.prisma): Promise<GuardianRecord[]> {
    return db.guardian.findMany({ where: { userId }, select: guardianSelect, orderBy: { createdAt: 'asc' } });
  }

  async findById(id: string): Promise<GuardianRecord | null> {
    return this.prisma.guardian.findUnique({ where: { id }, select: guardianSelect });
  }

  /** Serializes guardian changes of one user (the limit of 3 holds under concurrent adds). */
  async lockUser(tx: Tx, userId: string): Promise<void> {
    await tx.$queryRaw`SELECT id FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
  }

  /** Serializes invitations to one number across all members (the per-number daily limit). */
  async lockNumber(tx: Tx, phoneHash: string): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`guardian-number:${phoneHash}`}, 0))`;
  }

  /** Invitations sent since `since` by this member or to this number, and when the oldest of them was sent. */
  async invitationsSince(tx: Tx, where: { userId: string } | { phoneHash: string }, since: Date): Promise<{ count: number; oldest: Date | null }> {
    const found = await tx.guardianInvitation.aggregate({ where: { ...where, sentAt: { gt: since } }, _count: true, _min: { sentAt: true } });
    return { count: found._count, oldest: found._min.sentAt };
  }

  async recordInvitation(tx: Tx, data: { id: string; userId: string; phoneHash: string }): Promise<void> {
    await tx.guardianInvitation.create({ data, select: { id: true } });
  }

  /** An invitation that could not be delivered does not count against anyone. */
  async forgetInvitation(id: string): Promise<void> {
    await this.prisma.guardianInvitation.deleteMany({ where: { id } });
  }

  /**
   * Claims the day's SMS about this counterpart for this guardian: true when none was sent in the
   * last `windowSeconds` (and records this one), false when the guardian was already told.
   */
  async claimCounterpartNotice(tx: Tx, guardianId: string, counterpartId: string, windowSeconds: number): Promise<boolean> {
    // Times come from here, as Prisma writes them elsewhere (UTC), not from the session's now().
    const now = new Date();
    const cutoff = new Date(now.getTime() - windowSeconds * 1000);
    const claimed = await tx.$executeRaw`
      INSERT INTO guardian_counterpart_notices (guardian_id, counterpart_id, sent_at) VALUES (${guardianId}::uuid, ${counterpartId}::uuid, ${now})
      ON CONFLICT (guardian_id, counterpart_id) DO UPDATE SET sent_at = EXCLUDED.sent_at
      WHERE guardian_counterpart_notices.sent_at <= ${cutoff}`;
    return claimed === 1;
  }

  async countOf(tx: Tx, userId: string): Promise<number> {
    return tx.guardian.count({ where: { userId } });
  }

  async create(tx: Tx, data: NewGuardian): Promise<GuardianRecord> {
    try {
      return await tx.guardian.create({ data, select: guardianSelect });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateGuardian();
      return translatePrismaError(error);
    }
  }

  async delete(id: string): Promise<boolean> {
    const { count } = await this.prisma.guardian.deleteMany({ where: { id } });
    return count === 1;
  }

  /** Counts a wrong code; returns the new count, or null when the guardian was confirmed or removed meanwhile. */
  async recordWrongAttempt(id: string): Promise<number | null> {
    const rows = await this.prisma.guardian.updateManyAndReturn({
      where: { id, confirmedAt: null },
      data: { attempts: { increment: 1 } },
      select: { attempts: true },
    });
    return rows[0]?.attempts ?? null;
  }

  /** Sets confirmedAt once; null when it was already confirmed (or removed) meanwhile. */
  async confirm(id: string, at: Date): Promise<GuardianRecord | null> {
    const { count } = await this.prisma.guardian.updateMany({ where: { id, confirmedAt: null }, data: { confirmedAt: at } });
    return count === 1 ? this.findById(id) : null;
  }

  /** Confirmed guardians of these users. */
  /** Sets the payment-approval flag of a guardian that is confirmed; null when it is not (or gone). */
  async setApprovesPayments(id: string, approvesPayments: boolean): Promise<GuardianRecord | null> {
    const { count } = await this.prisma.guardian.updateMany({ where: { id, confirmedAt: { not: null } }, data: { approvesPayments } });
    return count === 1 ? this.findById(id) : null;
  }

  /** Each user's confirmed guardians who approve their payments (user-facts), oldest first. */
  async paymentApproversOf(userIds: readonly string[], db: Tx = this.prisma): Promise<Array<{ id: string; userId: string }>> {
    if (userIds.length === 0) return [];
    return db.guardian.findMany({ where: { userId: { in: [...userIds] }, confirmedAt: { not: null }, approvesPayments: true }, select: { id: true, userId: true }, orderBy: { createdAt: 'asc' } });
  }

  async confirmedOf(tx: Tx, userIds: string[]): Promise<GuardianRecord[]> {
    if (userIds.length === 0) return [];
    return tx.guardian.findMany({ where: { userId: { in: userIds }, confirmedAt: { not: null } }, select: guardianSelect, orderBy: { createdAt: 'asc' } });
  }

  /** Claims the (guardian, cause) notification; false when it was already sent. */
  async claimNotification(tx: Tx, guardianId: string, causeId: string, kind: string): Promise<boolean> {
    const inserted = await tx.$executeRaw`
      INSERT INTO guardian_notifications (guardian_id, cause_id, kind) VALUES (${guardianId}::uuid, ${causeId}, ${kind})
      ON CONFLICT DO NOTHING`;
    return inserted === 1;
  }
}
