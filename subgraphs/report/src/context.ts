// What every resolver receives: the request scope (identity, locale, logger, loaders) plus this
// service's services. Composition only; services never import this file.
import type { RequestContext } from '@anshim/platform';
import type { EvidenceService } from './evidence/evidence-service.ts';
import { createLoaders } from './loaders.ts';
import type { RegistryService } from './registry/registry-service.ts';
import type { ReportRepository } from './reports/report-repository.ts';
import type { QueueService } from './reports/queue-service.ts';
import type { ReportService } from './reports/report-service.ts';
import type { RequestScope } from './scope.ts';

export interface ReportServices {
  reports: ReportService;
  /** The ADMIN queue's pages and counts, and the dashboard's report figures. */
  queue: QueueService;
  evidence: EvidenceService;
  registry: RegistryService;
}

export interface ReportContext extends RequestScope {
  services: ReportServices;
}

export interface ContextParts {
  services: ReportServices;
  /** What the loaders read. */
  reports: ReportRepository;
}

/** Each request's context: the shared services, and fresh loaders. */
export function contextBuilder({ services, reports }: ContextParts): (base: RequestContext) => ReportContext {
  return (base) => ({ ...base, loaders: createLoaders(reports), services });
}
