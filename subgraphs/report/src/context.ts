// What every resolver receives: the platform's request context (verified identity, request id,
// locale, logger) plus this service's per-request loaders and its services.
import type { groupedLoader, keyedLoader, RequestContext } from '@anshim/platform';
import type { ReportRecord, SanctionRecord } from './report-repository.ts';
import type { ReportService } from './report-service.ts';
import type { EvidenceService } from './evidence-service.ts';

export interface ReportLoaders {
  report: ReturnType<typeof keyedLoader<string, ReportRecord>>;
  reportsAgainst: ReturnType<typeof groupedLoader<string, ReportRecord>>;
  sanctionsOf: ReturnType<typeof groupedLoader<string, SanctionRecord>>;
}

/** A reference to a user owned by the user subgraph. */
export interface UserRef {
  id: string;
}

export interface RequestScope extends RequestContext {
  loaders: ReportLoaders;
}

export interface ReportContext extends RequestScope {
  services: { reports: ReportService; evidence: EvidenceService };
}
