// Counts over `reports` for the admin queue and the dashboard, set-based: one GROUP BY each, a few
// dozen rows at most (statuses × types × priorities) whatever the number of reports.
import type { ReportPrisma } from '../database.ts';
import type { ReportPriority, ReportStatus, ReportType } from '../model.ts';

export interface ReportTally {
  status: ReportStatus;
  type: ReportType;
  priority: ReportPriority;
  count: number;
}

export class ReportStatisticsRepository {
  constructor(private readonly prisma: ReportPrisma) {}

  /** Every (status, type, priority) that has reports, with how many. */
  async tally(): Promise<ReportTally[]> {
    return this.prisma.$queryRaw<ReportTally[]>`
      SELECT status::text AS status, type::text AS type, priority::text AS priority, count(*)::int AS count
      FROM reports GROUP BY status, type, priority`;
  }

  /** Reports filed since `since` per type and current status. */
  async outcomesSince(since: Date): Promise<Array<{ type: ReportType; status: ReportStatus; count: number }>> {
    return this.prisma.$queryRaw`
      SELECT type::text AS type, status::text AS status, count(*)::int AS count
      FROM reports WHERE created_at >= (${since.toISOString()}::timestamptz AT TIME ZONE 'UTC') GROUP BY type, status`;
  }
}
