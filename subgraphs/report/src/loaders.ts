// Per-request DataLoaders: reports by id, reports against a page of users and their sanctions, one
// query per request and kind however many parents ask (no N+1).
import { byIdLoader, groupedLoader } from '@anshim/platform';
import type { ReportRepository } from './reports/report-repository.ts';

export type ReportLoaders = ReturnType<typeof createLoaders>;

export function createLoaders(reports: ReportRepository) {
  return {
    report: byIdLoader((ids) => reports.findManyByIds(ids)),
    reportsAgainst: groupedLoader((ids) => reports.againstUsers(ids), (row) => row.targetUserId),
    sanctionsOf: groupedLoader((ids) => reports.sanctionsOf(ids), (row) => row.userId),
  };
}
