// What safety's rebuild reads from this service (POST /internal/safety-inputs, service identity
// only): reports against a set of users with their state as safety counts it, and their sanctions
// — the facts report.filed/processed and sanction_applied/ended carried (with what each reporter's
// report weighs on). Read-only.
import type { ReportInputsAnswer } from '@anshim/contracts';
import type { ReportPrisma } from '../database.ts';
import { storedTrust } from '../model.ts';

const STATE = { RECEIVED: 'PENDING', IN_REVIEW: 'PENDING', ACTION_TAKEN: 'ACCEPTED', DISMISSED: 'DISMISSED' } as const;

export class SafetyInputsRepository {
  constructor(private readonly prisma: ReportPrisma) {}

  async forUsers(userIds: readonly string[]): Promise<ReportInputsAnswer> {
    const ids = [...userIds];
    const [reports, sanctions] = await Promise.all([
      this.prisma.report.findMany({
        where: { targetUserId: { in: ids } },
        select: { id: true, targetUserId: true, reporterId: true, type: true, status: true, createdAt: true, processedAt: true, reporterTrust: true },
      }),
      this.prisma.sanction.findMany({
        where: { userId: { in: ids } },
        select: { reportId: true, userId: true, type: true, startsAt: true, endsAt: true, endedAt: true },
      }),
    ]);
    return {
      reports: reports.map((r) => ({
        reportId: r.id,
        targetUserId: r.targetUserId,
        reporterId: r.reporterId,
        type: r.type,
        state: STATE[r.status],
        filedAt: r.createdAt.toISOString(),
        decidedAt: STATE[r.status] === 'PENDING' ? null : (r.processedAt?.toISOString() ?? null),
        reporter: storedTrust(r.reporterTrust),
      })),
      sanctions: sanctions.map((s) => ({
        reportId: s.reportId,
        userId: s.userId,
        type: s.type,
        startsAt: s.startsAt.toISOString(),
        endsAt: s.endsAt?.toISOString() ?? null,
        endedAt: s.endedAt?.toISOString() ?? null,
      })),
    };
  }
}
