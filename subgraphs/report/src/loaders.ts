// Per-request DataLoaders: reports by id, reports against a page of users and their sanctions, one
// query per request and kind however many parents ask (no N+1).
import { groupedLoader, keyedLoader } from '@anshim/platform';
import type { ReportRecord, ReportRepository, SanctionRecord } from './reports/report-repository.ts';

export interface ReportLoaders {
  report: ReturnType<typeof keyedLoader<string, ReportRecord>>;
  reportsAgainst: ReturnType<typeof groupedLoader<string, ReportRecord>>;
  sanctionsOf: ReturnType<typeof groupedLoader<string, SanctionRecord>>;
}

export function createLoaders(reports: ReportRepository): ReportLoaders {
  return {
    report: keyedLoader((ids) => reports.findManyByIds(ids), (row) => row.id),
    reportsAgainst: groupedLoader((ids) => reports.againstUsers(ids), (row) => row.targetUserId),
    sanctionsOf: groupedLoader((ids) => reports.sanctionsOf(ids), (row) => row.userId),
  };
}
