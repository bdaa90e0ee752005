// The ADMIN dashboard's trade figure: trades completed per Korean day over the last 1–90 days (a
// trade disputed after completing still completed that day), one GROUP BY over the window.
import { dashboardWindow, koreanDaySql, requireAdmin, type RequestContext } from '@anshim/platform';
import type { TransactionPrisma } from '../database.ts';

export class TradeDashboard {
  constructor(private readonly prisma: TransactionPrisma) {}

  async completedByDay(scope: RequestContext, days: number | null | undefined, now = new Date()): Promise<Array<{ day: string; count: number }>> {
    requireAdmin(scope);
    const window = dashboardWindow(days, now);
    const rows: Array<{ day: string; count: number }> = await this.prisma.$queryRawUnsafe(
      `SELECT ${koreanDaySql('completed_at')} AS day, count(*)::int AS count
       FROM transactions WHERE completed_at >= ($1::timestamptz AT TIME ZONE 'UTC') GROUP BY day`,
      window.since.toISOString(),
    );
    const counted = new Map(rows.map((row) => [row.day, row.count]));
    return window.days.map((day) => ({ day, count: counted.get(day) ?? 0 }));
  }
}
