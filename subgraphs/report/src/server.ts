// Builds the report subgraph (does not listen) on the kit's defineSubgraph, which owns the logger,
// Prisma, Redis, the outbox relay, the Apollo subgraph and the start and stop order; the kit's
// subgraph storage wires evidence files (driver, tickets, local routes, upload sweep). Here:
// repositories, the fraud registry, the report and evidence services, the suspension-end job, the
// event consumer (which also opens the reports of payment disputes) and the /internal route safety reads. Composition only. index.ts and tests call start/stop.
import { defineSubgraph, FieldCipher, internalReader, mountInternalRoute, type SubgraphServer } from '@anshim/platform';
import { parseUserIds, SAFETY_INPUTS_ROUTE } from '@anshim/contracts';
import { openSubgraphStorage, EVIDENCE_POLICY, PRODUCT_IMAGE_POLICY, Uploads, type UploadSweep } from '@anshim/platform/storage';
import { contextBuilder } from './context.ts';
import { KnownPartiesRepository } from './copies/known-parties-repository.ts';
import { ReadThroughParties } from './copies/read-through-parties.ts';
import { createDatabase, type ReportPrisma, type Tx } from './database.ts';
import { loadReportEnv, type ReportEnv } from './env.ts';
import { EvidenceService } from './evidence/evidence-service.ts';
import { reportHandlers } from './inbound/consumers.ts';
import { SanctionEndScheduler } from './jobs/sanction-end.ts';
import { ReportEvents } from './outbound/report-events.ts';
import { IdentifierRepository } from './registry/identifier-repository.ts';
import { RegistryService } from './registry/registry-service.ts';
import { PaymentDisputes } from './reports/payment-disputes.ts';
import { ReportRepository } from './reports/report-repository.ts';
import { ReportCounters } from './reports/report-counters.ts';
import { QueueService } from './reports/queue-service.ts';
import { ReportService } from './reports/report-service.ts';
import { ReportStatisticsRepository } from './reports/report-statistics-repository.ts';
import { SafetyInputsRepository } from './reports/safety-inputs-repository.ts';
import { resolvers } from './resolvers/index.ts';

export interface ReportServerOptions {
  /** Called with every SQL statement; tests use it to prove batching. */
  onQuery?: (sql: string) => void;
}

/** Started: relay, event consumer, suspension-end worker, upload sweep, then HTTP; stopped the other way round. */
export type ReportServer = SubgraphServer<
  ReportEnv,
  ReportPrisma,
  {
    sanctionEnds: SanctionEndScheduler;
    /** Deletes evidence files whose ticket expired unattached (a repeatable job; tests call sweep(now)). */
    uploadSweep: UploadSweep;
  }
>;

export async function buildReportServer(overrides: Record<string, string | undefined> = {}, options: ReportServerOptions = {}): Promise<ReportServer> {
  const env = loadReportEnv(overrides);
  return defineSubgraph({
    name: 'report',
    env,
    schema: new URL('../schema.graphql', import.meta.url),
    resolvers,
    database: (databaseUrl) => createDatabase({ databaseUrl, onQuery: options.onQuery }),
    compose: (parts) => {
      const { prisma, redis, redisSettings, logger, afterCommit, metrics } = parts;
      const counters = new ReportCounters(metrics);
      // Product images stay public wherever they are served; evidence never is.
      const storage = openSubgraphStorage(parts, { publicUrl: env.REPORT_PUBLIC_URL, port: env.REPORT_PORT, publicPolicies: [PRODUCT_IMAGE_POLICY, EVIDENCE_POLICY] });
      const reports = new ReportRepository(prisma);
      const known = new KnownPartiesRepository(prisma);
      const readFrom = (target: 'user' | 'transaction', baseUrl: string) =>
        internalReader({ caller: 'report', target, baseUrl, internalSecret: env.INTERNAL_SECRET, timeoutMs: env.REPORT_INTERNAL_READ_TIMEOUT_MS });
      const parties = new ReadThroughParties(prisma, known, { user: readFrom('user', env.REPORT_USER_SUBGRAPH_URL), transaction: readFrom('transaction', env.REPORT_TRANSACTION_SUBGRAPH_URL) }, logger);
      const events = new ReportEvents();
      const evidence = new EvidenceService(new Uploads(storage.driver, { tickets: storage.tickets }), env.EVIDENCE_URL_TTL_SECONDS);
      const uploadSweep = storage.sweep('report', [{ policy: EVIDENCE_POLICY, attachedAmong: async (keys) => new Set(await reports.evidenceKeysTaken(prisma, keys)) }]);
      // The worker runs where events are consumed; every process schedules.
      const sanctionEnds = new SanctionEndScheduler({ prisma, reports, events, redis: redisSettings, logger, afterCommit, runsWorker: env.REPORT_CONSUME_EVENTS });
      const registry = new RegistryService({
        identifiers: new IdentifierRepository(prisma),
        redis,
        checkRateLimit: { max: env.REPORT_CHECK_RATE_LIMIT, windowSeconds: env.REPORT_CHECK_RATE_WINDOW_SECONDS },
        cipher: new FieldCipher(env.DATA_ENCRYPTION_KEY),
      });
      const services = {
        reports: new ReportService({
          prisma,
          reports,
          known,
          parties,
          evidence,
          events,
          registry,
          redis,
          rateLimit: { max: env.REPORT_RATE_LIMIT, windowSeconds: env.REPORT_RATE_WINDOW_SECONDS },
          afterCommit,
          counters,
          scheduleSanctionEnd: async (sanction) => {
            // The sanction is committed; if Redis is away the job is rescheduled at the next start.
            await sanctionEnds.schedule(sanction).catch((error: unknown) => logger.error({ err: error, sanctionId: sanction.id }, 'could not schedule the end of a suspension'));
          },
        }),
        queue: new QueueService({ reports, statistics: new ReportStatisticsRepository(prisma) }),
        evidence,
        registry,
      };
      const safetyInputs = new SafetyInputsRepository(prisma);
      const disputes = new PaymentDisputes({ reports, known, events, logger });
      return {
        context: contextBuilder({ services, reports }),
        routes: (app) => {
          storage.mountLocalRoutes(app);
          mountInternalRoute(app, SAFETY_INPUTS_ROUTE, { logger, callers: ['safety'], parse: parseUserIds, handle: (ids) => safetyInputs.forUsers(ids) });
        },
        consumer: env.REPORT_CONSUME_EVENTS ? parts.consume<Tx>((hooks) => reportHandlers({ known, disputes, afterCommit, counters }, hooks)) : undefined,
        jobs: [sanctionEnds, uploadSweep.job],
        onListening: storage.onListening,
        expose: { sanctionEnds, uploadSweep },
      };
    },
  });
}
