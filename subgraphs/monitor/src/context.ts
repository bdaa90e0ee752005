// What every resolver receives: the request scope (identity, locale, logger, loaders, the Redis
// subscriber) plus this service's services. Composition only; services never import this file.
import type { RequestContext, RedisChannelHub } from '@anshim/platform';
import type { AlertRepository } from './alerts/alert-repository.ts';
import type { AlertsService } from './alerts/alerts-service.ts';
import type { AuditLogService } from './audit/audit-log-service.ts';
import type { AlertDashboard } from './dashboard/alert-dashboard.ts';
import type { AssessmentService } from './assessment/assessment-service.ts';
import { createLoaders } from './loaders.ts';
import type { MonitorScope } from './scope.ts';

export interface MonitorServices {
  assessment: AssessmentService;
  alerts: AlertsService;
  /** The ADMIN dashboard's alert figures. */
  dashboard: AlertDashboard;
  /** The console's one audit log. */
  auditLog: AuditLogService;
}

export interface MonitorContext extends MonitorScope {
  services: MonitorServices;
}

export interface ContextParts {
  services: MonitorServices;
  /** What the loaders read. */
  alertRepository: AlertRepository;
  hub: RedisChannelHub;
}

/** Each request's context: the shared services and subscriber, and fresh loaders. */
export function contextBuilder({ services, alertRepository, hub }: ContextParts): (base: RequestContext) => MonitorContext {
  return (base) => ({
    ...base,
    services,
    hub,
    loaders: createLoaders(alertRepository, () => services.alerts.productWarningsSince()),
  });
}
