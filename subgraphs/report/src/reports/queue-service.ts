// The ADMIN queue as the console works it: one page at a time in the queue's order, narrowed by
// status and type, with counts per status, type and priority computed by the database rather than
// from a page; and the dashboard's reports per type and outcome. ADMIN only, inputs validated.
import { BadInputError, dashboardWindow, isUuid, requireAdmin } from '@anshim/platform';
import { messages } from '../messages.ts';
import { REPORT_PRIORITIES, REPORT_STATUSES, REPORT_TYPES, type ReportPriority, type ReportStatus, type ReportType } from '../model.ts';
import type { RequestScope } from '../scope.ts';
import type { ReportRecord, ReportRepository } from './report-repository.ts';
import type { ReportStatisticsRepository, ReportTally } from './report-statistics-repository.ts';

export const MAX_QUEUE_PAGE = 100;

export interface QueueArgs {
  status?: ReportStatus | null;
  type?: ReportType | null;
  first?: number | null;
  /** The id of the previous page's last report. */
  after?: string | null;
}

export interface ReportCounts {
  byStatus: Array<{ status: ReportStatus; count: number }>;
  byType: Array<{ type: ReportType; count: number }>;
  byPriority: Array<{ priority: ReportPriority; count: number }>;
  total: number;
}

const sum = (rows: readonly ReportTally[], keep: (row: ReportTally) => boolean): number => rows.reduce((total, row) => total + (keep(row) ? row.count : 0), 0);

export class QueueService {
  constructor(private readonly deps: { reports: ReportRepository; statistics: ReportStatisticsRepository }) {}

  async page(scope: RequestScope, args: QueueArgs): Promise<ReportRecord[]> {
    requireAdmin(scope);
    const first = args.first ?? 20;
    if (!Number.isInteger(first) || first < 1 || first > MAX_QUEUE_PAGE) {
      throw new BadInputError(messages.badFirst, { fields: [{ field: 'first', reason: 'outOfRange', min: 1, max: MAX_QUEUE_PAGE }] });
    }
    let after = null;
    if (args.after != null) {
      after = isUuid(args.after) ? await this.deps.reports.queuePosition(args.after) : null;
      if (!after) throw new BadInputError(messages.badCursor, { fields: [{ field: 'after', reason: 'unknownReport' }] });
    }
    const rows = await this.deps.reports.queue({ status: args.status ?? null, type: args.type ?? null }, first, after);
    for (const row of rows) scope.loaders.report.prime(row.id, row);
    return rows;
  }

  /** byStatus counts the asked type, byType the asked status, byPriority and total both: what each filter would show. */
  async counts(scope: RequestScope, status: ReportStatus | null | undefined, type: ReportType | null | undefined): Promise<ReportCounts> {
    requireAdmin(scope);
    const rows = await this.deps.statistics.tally();
    const ofType = (row: ReportTally) => !type || row.type === type;
    const ofStatus = (row: ReportTally) => !status || row.status === status;
    return {
      byStatus: REPORT_STATUSES.map((s) => ({ status: s, count: sum(rows, (row) => ofType(row) && row.status === s) })),
      byType: REPORT_TYPES.map((t) => ({ type: t, count: sum(rows, (row) => ofStatus(row) && row.type === t) })),
      byPriority: REPORT_PRIORITIES.map((p) => ({ priority: p, count: sum(rows, (row) => ofType(row) && ofStatus(row) && row.priority === p) })),
      total: sum(rows, (row) => ofType(row) && ofStatus(row)),
    };
  }

  /** Every (type, status) pair of the reports filed in the window, zero included, types in catalogue order. */
  async outcomes(scope: RequestScope, days: number | null | undefined, now = new Date()): Promise<Array<{ type: ReportType; status: ReportStatus; count: number }>> {
    requireAdmin(scope);
    const window = dashboardWindow(days, now);
    const rows = await this.deps.statistics.outcomesSince(window.since);
    const counted = new Map(rows.map((row) => [`${row.type}:${row.status}`, row.count]));
    return REPORT_TYPES.flatMap((type) => REPORT_STATUSES.map((status) => ({ type, status, count: counted.get(`${type}:${status}`) ?? 0 })));
  }
}
