// The ADMINs' safety dashboard: how many members are in each grade, the average score, and the
// largest drops of the last week. Each field is its own query, run only when asked for.
import { dashboardWindow, requireAdmin } from '@anshim/platform';
import { SAFETY_GRADES, type SafetyGrade, type ScoreChangeRecord } from '../model.ts';
import type { ScoreRepository } from '../score/score-repository.ts';
import { pageSize, type RequestScope } from '../scope.ts';

export const DASHBOARD_DROP_WINDOW_DAYS = 7;

export class DashboardService {
  constructor(private readonly deps: { scores: ScoreRepository }) {}

  /** Checks the caller may open the dashboard (so `safetyDashboard` itself refuses non-admins). */
  open(ctx: RequestScope): Record<string, never> {
    requireAdmin(ctx);
    return {};
  }

  async counts(ctx: RequestScope): Promise<Array<{ grade: SafetyGrade; count: number }>> {
    requireAdmin(ctx);
    const counts = await this.deps.scores.countsByGrade();
    return SAFETY_GRADES.map((grade) => ({ grade, count: counts.get(grade) ?? 0 }));
  }

  async average(ctx: RequestScope): Promise<number> {
    requireAdmin(ctx);
    const average = await this.deps.scores.averageValue();
    return average === null ? 0 : Math.round(average * 10) / 10;
  }

  /** One point per day of the window, oldest first; a day before anyone had a score has a null average. */
  async averageByDay(ctx: RequestScope, days: number | null | undefined, now = new Date()): Promise<Array<{ day: string; average: number | null; members: number }>> {
    requireAdmin(ctx);
    const window = dashboardWindow(days, now);
    const rows = await this.deps.scores.averageAtDayEnds(window.since, window.days.length);
    const byDay = new Map(rows.map((row) => [row.day, row]));
    return window.days.map((day) => {
      const row = byDay.get(day);
      return { day, average: row ? Math.round(row.average * 10) / 10 : null, members: row?.members ?? 0 };
    });
  }

  async drops(ctx: RequestScope, first: number | null | undefined, now = new Date()): Promise<ScoreChangeRecord[]> {
    requireAdmin(ctx);
    const take = pageSize(first, ctx.locale);
    if (take === 0) return [];
    return this.deps.scores.largestDrops(new Date(now.getTime() - DASHBOARD_DROP_WINDOW_DAYS * 86_400_000), take);
  }
}
