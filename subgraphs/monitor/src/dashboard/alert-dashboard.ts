// The ADMIN dashboard's alert figures: alerts raised per rule per Korean day over the last 1–90
// days, one GROUP BY over risk_alerts (set-based, bounded by the window), each rule a full series.
import { dashboardWindow, koreanDaySql, requireAdmin, type RequestContext } from '@anshim/platform';
import type { MonitorPrisma } from '../database.ts';

export interface RuleSeries {
  rule: string;
  total: number;
  perDay: Array<{ day: string; count: number }>;
}

export class AlertDashboard {
  constructor(private readonly prisma: MonitorPrisma) {}

  /** Rules that raised alerts in the window, most alerts first; each with one point per day, zeros included. */
  async byRuleByDay(scope: RequestContext, days: number | null | undefined, now = new Date()): Promise<RuleSeries[]> {
    requireAdmin(scope);
    const window = dashboardWindow(days, now);
    const rows = await this.countsSince(window.since);
    const byRule = new Map<string, Map<string, number>>();
    for (const row of rows) {
      const perDay = byRule.get(row.rule) ?? new Map<string, number>();
      perDay.set(row.day, row.count);
      byRule.set(row.rule, perDay);
    }
    return [...byRule]
      .map(([rule, perDay]) => ({ rule, total: [...perDay.values()].reduce((a, b) => a + b, 0), perDay: window.days.map((day) => ({ day, count: perDay.get(day) ?? 0 })) }))
      .sort((a, b) => b.total - a.total || a.rule.localeCompare(b.rule));
  }

  private countsSince(since: Date): Promise<Array<{ rule: string; day: string; count: number }>> {
    return this.prisma.$queryRawUnsafe(
      `SELECT rule, ${koreanDaySql('created_at')} AS day, count(*)::int AS count
       FROM risk_alerts WHERE created_at >= ($1::timestamptz AT TIME ZONE 'UTC') GROUP BY rule, day`,
      since.toISOString(),
    );
  }
}
