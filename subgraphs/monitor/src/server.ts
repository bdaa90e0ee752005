// Builds the monitor subgraph (does not listen) on the kit's defineSubgraph, which owns the logger,
// Prisma, Redis, the outbox relay, the Redis subscriber and graphql-ws on /graphql, and the start and
// stop order. Here: the activity write-behind buffer, the assessment and alerts services, the event
// consumer and the /internal route safety reads. Composition only. index.ts and tests call start/stop.
import { businessCounter, chainEventHandlers, defineSubgraph, FieldCipher, internalReader, mountInternalRoute, type SubgraphServer } from '@anshim/platform';
import { parseUserIds, SAFETY_INPUTS_ROUTE } from '@anshim/contracts';
import { ActionRepository } from './actions/action-repository.ts';
import { RiskActions } from './actions/risk-actions.ts';
import { AlertPublisher, alertPublishHistogram } from './alerts/alert-channels.ts';
import { AlertRepository } from './alerts/alert-repository.ts';
import { AlertsService } from './alerts/alerts-service.ts';
import { ActivityBuffer } from './assessment/activity-buffer.ts';
import { AssessmentService } from './assessment/assessment-service.ts';
import { recordTimings } from './assessment/record-timings.ts';
import { BehaviourWindows } from './assessment/behaviour-windows.ts';
import { PaymentSignals } from './assessment/payment-signals.ts';
import { PlatformSignals } from './assessment/platform-signals.ts';
import { SlidingWindows } from './assessment/sliding-windows.ts';
import { ClusterService } from './clusters/cluster-service.ts';
import { LinkRepository } from './clusters/link-repository.ts';
import { contextBuilder } from './context.ts';
import { KnownRepository } from './copies/known-repository.ts';
import { TradeRepository } from './copies/trade-repository.ts';
import { UserOwner } from './copies/user-owner.ts';
import { createDatabase, type MonitorPrisma, type Tx } from './database.ts';
import { loadMonitorEnv, type MonitorEnv } from './env.ts';
import { clusterHandlers } from './inbound/cluster-consumers.ts';
import { monitorHandlers } from './inbound/consumers.ts';
import { AuditLogRepository } from './audit/audit-log-repository.ts';
import { AuditLogService } from './audit/audit-log-service.ts';
import { auditHandlers } from './inbound/audit-consumers.ts';
import { AlertDashboard } from './dashboard/alert-dashboard.ts';
import { actionExpirySweep } from './jobs/action-expiry-sweep.ts';
import { MonitorEvents } from './outbound/monitor-events.ts';
import { resolvers } from './resolvers/index.ts';

export interface MonitorServerOptions {
  /** Called with every SQL statement; tests use it to prove batching. */
  onQuery?: (sql: string) => void;
}

/** Started: relay, event consumer, activity flusher, action expiry sweep, then HTTP; stopped the other way round. */
export type MonitorServer = SubgraphServer<MonitorEnv, MonitorPrisma, { assessment: AssessmentService; alerts: AlertsService; buffer: ActivityBuffer; actions: RiskActions }>;

export async function buildMonitorServer(overrides: Record<string, string | undefined> = {}, options: MonitorServerOptions = {}): Promise<MonitorServer> {
  return defineSubgraph({
    name: 'monitor',
    env: loadMonitorEnv(overrides),
    schema: new URL('../schema.graphql', import.meta.url),
    resolvers,
    database: (databaseUrl) => createDatabase({ databaseUrl, onQuery: options.onQuery }),
    subscriptions: true,
    compose: ({ env, logger, prisma, redis, redisSettings, afterCommit, hub, consume, metrics }) => {
      const auditLogRepository = new AuditLogRepository(prisma);
      const alertRepository = new AlertRepository(prisma, auditLogRepository);
      const known = new KnownRepository(prisma);
      const trades = new TradeRepository(prisma);
      const buffer = new ActivityBuffer({
        redis,
        logger,
        batchSize: env.MONITOR_ACTIVITY_BATCH_SIZE,
        flushEveryMs: env.MONITOR_ACTIVITY_FLUSH_MS,
        insert: (rows) => known.insertActivities(rows),
      });
      const windows = new SlidingWindows(redis);
      const behaviour = new BehaviourWindows(windows);
      const cipher = new FieldCipher(env.DATA_ENCRYPTION_KEY);
      const events = new MonitorEvents();
      const actions = new RiskActions({
        prisma,
        actions: new ActionRepository(),
        alerts: alertRepository,
        events,
        durations: {
          WARN_COUNTERPARTS: env.MONITOR_AUTO_WARN_SECONDS,
          REQUIRE_VERIFICATION: env.MONITOR_AUTO_VERIFICATION_SECONDS,
          HOLD_TRANSACTIONS: env.MONITOR_AUTO_HOLD_SECONDS ?? env.MONITOR_HOLD_HOURS * 3_600,
        },
        adminHoldHours: env.MONITOR_HOLD_HOURS,
        logger,
        afterCommit,
      });
      const expiry = actionExpirySweep({ actions, intervalSeconds: env.MONITOR_ACTION_SWEEP_SECONDS, redis: redisSettings, logger });
      const assessment = new AssessmentService({
        prisma,
        alerts: alertRepository,
        known,
        owner: new UserOwner(
          known,
          internalReader({ caller: 'monitor', target: 'user', baseUrl: env.MONITOR_USER_SUBGRAPH_URL, internalSecret: env.INTERNAL_SECRET, timeoutMs: env.MONITOR_INTERNAL_READ_TIMEOUT_MS }),
          logger,
        ),
        events,
        actions,
        windows,
        behaviour,
        buffer,
        publisher: new AlertPublisher({ redis, redisSettings, logger, ages: alertPublishHistogram(metrics) }),
        redis,
        logger,
        allowedDomains: env.MONITOR_ALLOWED_LINK_DOMAINS,
        levelTtlSeconds: env.MONITOR_LEVEL_TTL_SECONDS,
        cipher,
        afterCommit,
        alertCounter: businessCounter(metrics, 'riskAlerts'),
        recordTimings: recordTimings(metrics),
      });
      const links = new LinkRepository();
      const clusters = new ClusterService({
        links,
        assessment,
        cipher,
        limits: { maxHops: env.MONITOR_CLUSTER_MAX_HOPS, maxMembers: env.MONITOR_CLUSTER_MAX_MEMBERS, maxAccountsPerLink: env.MONITOR_CLUSTER_MAX_ACCOUNTS_PER_LINK },
        logger,
      });
      const alerts = new AlertsService({ alerts: alertRepository });
      const auditLog = new AuditLogService({ log: auditLogRepository });
      return {
        context: contextBuilder({ services: { assessment, alerts, dashboard: new AlertDashboard(prisma), auditLog }, alertRepository, hub: hub() }),
        routes: (app) =>
          mountInternalRoute(app, SAFETY_INPUTS_ROUTE, {
            logger,
            callers: ['safety'],
            parse: parseUserIds,
            handle: async (ids) => ({
              users: (await alertRepository.safetyInputs(ids)).map((u) => ({
                userId: u.userId,
                riskClearedAt: u.riskClearedAt?.toISOString() ?? null,
                signals: u.signals.map((s) => ({ ...s, detectedAt: s.detectedAt.toISOString(), expiresAt: s.expiresAt.toISOString() })),
              })),
            }),
          }),
        consumer: env.MONITOR_CONSUME_EVENTS
          ? consume<Tx>((hooks) =>
              chainEventHandlers(
                monitorHandlers(
                  {
                    known,
                    assessment,
                    trades,
                    signals: new PlatformSignals({ known, trades, assessment }),
                    payments: new PaymentSignals({ trades, windows, assessment }),
                  },
                  hooks,
                ),
                clusterHandlers({ clusters, links, behaviour, assessment }, hooks),
                auditHandlers(auditLog, hooks),
              ),
            )
          : undefined,
        // After the consumer on stop: its last events' activity is flushed too.
        jobs: [buffer, expiry],
        expose: { assessment, alerts, buffer, actions },
      };
    },
  });
}
