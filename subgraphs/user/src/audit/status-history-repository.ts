// Reads the account-status changes back out of the audit log: every change goes through
// applyStatusChange (an ADMIN's setUserStatus, a report's sanction and its end), which writes one
// `user.status_changed` row with the values before and after in the change's transaction, so the
// log is the one record of them; nothing else is kept to drift from it.
import type { UserPrisma } from '../database.ts';

export interface StatusChangeRow {
  id: string;
  actorId: string | null;
  before: unknown;
  after: unknown;
  at: Date;
}

export class StatusHistoryRepository {
  constructor(private readonly prisma: UserPrisma) {}

  /** Newest first, by the (subject_id, at) index; the id breaks ties so the order is total. */
  async of(userId: string, first: number): Promise<StatusChangeRow[]> {
    return this.prisma.auditLog.findMany({
      where: { subjectId: userId, action: 'user.status_changed' },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      take: first,
      select: { id: true, actorId: true, before: true, after: true, at: true },
    });
  }
}
