// Builds the report subgraph (does not listen): configuration, Prisma, Redis, storage, outbox
// relay, event consumer, the suspension-end worker, services, and the Apollo subgraph on express
// with the local storage routes. index.ts and tests call start/stop.
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import {
  databaseAndRedisReadiness,
  PublicBaseUrl,
  buildSubgraphServer,
  createLogger,
  createRedis,
  FieldCipher,
  groupedLoader,
  keyedLoader,
  mountInternalRoute,
  OutboxRelay,
  type Logger,
  type RunningServer,
} from '@anshim/platform';
import { parseUserIds, SAFETY_INPUTS_ROUTE } from '@anshim/contracts';
import { createStorageDriver, LocalStorageDriver, mountLocalStorageRoutes, publicNamespaces, Uploads, UploadSweep, UploadTickets, EVIDENCE_POLICY, PRODUCT_IMAGE_POLICY, localStorageSigningSecret, uploadTicketSettings } from '@anshim/platform/storage';
import type { ReportContext } from './context.ts';
import { createDatabase, type ReportPrisma } from './database.ts';
import { loadReportEnv, type ReportEnv } from './env.ts';
import { EvidenceService } from './evidence-service.ts';
import { createReportConsumer } from './events/consumers.ts';
import { ReportEvents } from './events/report-events.ts';
import { KnownPartiesRepository } from './known-parties-repository.ts';
import { ReportRepository } from './report-repository.ts';
import { ReportService } from './report-service.ts';
import { resolvers } from './resolvers/index.ts';
import { SafetyInputsRepository } from './safety-inputs-repository.ts';
import { SanctionEndScheduler } from './workers/sanction-end.ts';

const typeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

export interface ReportServerOptions {
  /** Called with every SQL statement; tests use it to prove batching. */
  onQuery?: (sql: string) => void;
}

export interface ReportServer {
  env: ReportEnv;
  logger: Logger;
  prisma: ReportPrisma;
  sanctionEnds: SanctionEndScheduler;
  /** Deletes evidence files whose ticket expired unattached (a repeatable job; tests call sweep(now)). */
  uploadSweep: UploadSweep;
  /** Starts the outbox relay, the event consumer and the suspension-end worker, then listens. */
  start(port?: number, host?: string): Promise<RunningServer>;
  /** Drains HTTP, then closes workers, relay, Redis and Prisma. */
  stop(): Promise<void>;
}

export async function buildReportServer(overrides: Record<string, string | undefined> = {}, options: ReportServerOptions = {}): Promise<ReportServer> {
  const env = loadReportEnv(overrides);
  const production = env.NODE_ENV === 'production';
  const logger = createLogger('report', env.LOG_LEVEL);
  const prisma = createDatabase({ databaseUrl: env.DATABASE_URL, onQuery: options.onQuery });
  const redisSettings = { url: env.REDIS_URL, prefix: env.REDIS_PREFIX };
  const redis = createRedis(redisSettings);
  const relay = new OutboxRelay({ prisma, service: 'report', redis: redisSettings, logger });
  const afterCommit = () => relay.nudge();

  const publicBaseUrl = new PublicBaseUrl(env.REPORT_PUBLIC_URL, env.REPORT_PORT);
  const storage = createStorageDriver(env, {
    publicBaseUrl: publicBaseUrl.get,
    signingSecret: localStorageSigningSecret(env.INTERNAL_SECRET),
    // Product images stay public wherever they are served; evidence never is.
    publicNamespaces: publicNamespaces([PRODUCT_IMAGE_POLICY, EVIDENCE_POLICY]),
  });

  const reports = new ReportRepository(prisma);
  const known = new KnownPartiesRepository(prisma);
  const events = new ReportEvents();
  const tickets = new UploadTickets(redis, uploadTicketSettings(env));
  const evidence = new EvidenceService(new Uploads(storage, { tickets }), env.EVIDENCE_URL_TTL_SECONDS);
  const uploadSweep = new UploadSweep({
    service: 'report',
    kinds: [{ policy: EVIDENCE_POLICY, attachedAmong: async (keys) => new Set(await reports.evidenceKeysTaken(prisma, keys)) }],
    tickets,
    storage,
    redis: redisSettings,
    logger,
    intervalMinutes: env.UPLOAD_SWEEP_INTERVAL_MINUTES,
  });
  const sanctionEnds = new SanctionEndScheduler({ prisma, reports, events, redis: redisSettings, logger, afterCommit });
  const services = {
    reports: new ReportService({
      prisma,
      reports,
      known,
      evidence,
      events,
      redis,
      rateLimit: { max: env.REPORT_RATE_LIMIT, windowSeconds: env.REPORT_RATE_WINDOW_SECONDS },
      checkRateLimit: { max: env.REPORT_CHECK_RATE_LIMIT, windowSeconds: env.REPORT_CHECK_RATE_WINDOW_SECONDS },
      cipher: new FieldCipher(env.DATA_ENCRYPTION_KEY),
      afterCommit,
      scheduleSanctionEnd: async (sanction) => {
        // The sanction is committed; if Redis is away the job is rescheduled at the next start.
        await sanctionEnds.schedule(sanction).catch((error: unknown) => logger.error({ err: error, sanctionId: sanction.id }, 'could not schedule the end of a suspension'));
      },
    }),
    evidence,
  };
  const consumer = env.REPORT_CONSUME_EVENTS ? createReportConsumer({ prisma, known, redis: redisSettings, logger }) : undefined;

  const server = await buildSubgraphServer<ReportContext>({
    name: 'report',
    operations: { port: env.REPORT_OPS_PORT, host: env.OPS_HOST },
    typeDefs,
    resolvers,
    production,
    internalSecret: env.INTERNAL_SECRET,
    logger,
    buildContext: (base) => ({
      ...base,
      loaders: {
        report: keyedLoader((ids) => reports.findManyByIds(ids), (row) => row.id),
        reportsAgainst: groupedLoader((ids) => reports.againstUsers(ids), (row) => row.targetUserId),
        sanctionsOf: groupedLoader((ids) => reports.sanctionsOf(ids), (row) => row.userId),
      },
      services,
    }),
    readiness: databaseAndRedisReadiness(prisma, redis),
    routes: (app) => {
      if (storage instanceof LocalStorageDriver) mountLocalStorageRoutes(app, storage);
      const safetyInputs = new SafetyInputsRepository(prisma);
      mountInternalRoute(app, SAFETY_INPUTS_ROUTE, { logger, callers: ['safety'], parse: parseUserIds, handle: (ids) => safetyInputs.forUsers(ids) });
    },
    onStop: async () => {
      await uploadSweep.job.close();
      await consumer?.close();
      await sanctionEnds.close();
      await relay.stop();
      await Promise.allSettled([redis.quit(), prisma.$disconnect()]);
    },
  });

  return {
    env,
    logger,
    prisma,
    sanctionEnds,
    uploadSweep,
    async start(port = env.REPORT_PORT, host = env.REPORT_HOST) {
      relay.start();
      consumer?.start();
      if (env.REPORT_CONSUME_EVENTS) await sanctionEnds.start();
      await uploadSweep.job.start();
      const running = await server.start(port, host);
      publicBaseUrl.listeningOn(host, running.port);
      // `listening` with the port is what npm start and the e2e harness wait for.
      logger.info({ url: running.url, port: running.port, operationsUrl: running.operationsUrl }, 'listening');
      return running;
    },
    stop: () => server.stop(),
  };
}
