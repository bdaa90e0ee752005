// Builds the monitor subgraph (does not listen): configuration, Prisma, Redis (cache, windows,
// publishing) and the one shared Redis subscriber for subscriptions, the outbox relay, the event
// consumer, the activity write-behind buffer, the assessment and alerts services, and the Apollo
// subgraph with graphql-ws attached on /graphql. Composition only. index.ts and tests call start/stop.
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import {
  databaseAndRedisReadiness,
  attachSubscriptions,
  buildSubgraphServer,
  createLogger,
  createRedis,
  FieldCipher,
  mountInternalRoute,
  OutboxRelay,
  RedisChannelHub,
  type Logger,
  type RunningServer,
} from '@anshim/platform';
import { parseUserIds, SAFETY_INPUTS_ROUTE } from '@anshim/contracts';
import { AlertPublisher } from './alerts/alert-channels.ts';
import { AlertRepository } from './alerts/alert-repository.ts';
import { AlertsService } from './alerts/alerts-service.ts';
import { ActivityBuffer } from './assessment/activity-buffer.ts';
import { AssessmentService } from './assessment/assessment-service.ts';
import { SlidingWindows } from './assessment/sliding-windows.ts';
import { contextBuilder, type MonitorContext } from './context.ts';
import { KnownRepository } from './copies/known-repository.ts';
import { createDatabase, type MonitorPrisma } from './database.ts';
import { loadMonitorEnv, type MonitorEnv } from './env.ts';
import { createMonitorConsumer } from './inbound/consumers.ts';
import { MonitorEvents } from './outbound/monitor-events.ts';
import { resolvers } from './resolvers/index.ts';

const typeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

export interface MonitorServerOptions {
  /** Called with every SQL statement; tests use it to prove batching. */
  onQuery?: (sql: string) => void;
}

export interface MonitorServer {
  env: MonitorEnv;
  logger: Logger;
  prisma: MonitorPrisma;
  assessment: AssessmentService;
  alerts: AlertsService;
  buffer: ActivityBuffer;
  /** Starts the outbox relay, the event consumer and the activity flusher, then listens. */
  start(port?: number, host?: string): Promise<RunningServer>;
  /** Drains HTTP and sockets, flushes activity, then closes consumer, relay, Redis and Prisma. */
  stop(): Promise<void>;
}

export async function buildMonitorServer(overrides: Record<string, string | undefined> = {}, options: MonitorServerOptions = {}): Promise<MonitorServer> {
  const env = loadMonitorEnv(overrides);
  const production = env.NODE_ENV === 'production';
  const logger = createLogger('monitor', env.LOG_LEVEL);
  const prisma = createDatabase({ databaseUrl: env.DATABASE_URL, onQuery: options.onQuery });
  const redisSettings = { url: env.REDIS_URL, prefix: env.REDIS_PREFIX };
  const redis = createRedis(redisSettings);
  const hub = new RedisChannelHub(redisSettings);
  const relay = new OutboxRelay({ prisma, service: 'monitor', redis: redisSettings, logger });

  const alertRepository = new AlertRepository(prisma);
  const known = new KnownRepository(prisma);
  const buffer = new ActivityBuffer({
    redis,
    logger,
    batchSize: env.MONITOR_ACTIVITY_BATCH_SIZE,
    flushEveryMs: env.MONITOR_ACTIVITY_FLUSH_MS,
    insert: (rows) => known.insertActivities(rows),
  });
  const assessment = new AssessmentService({
    prisma,
    alerts: alertRepository,
    known,
    events: new MonitorEvents(),
    windows: new SlidingWindows(redis),
    buffer,
    publisher: new AlertPublisher({ redis, redisSettings, logger }),
    redis,
    logger,
    allowedDomains: env.MONITOR_ALLOWED_LINK_DOMAINS,
    levelTtlSeconds: env.MONITOR_LEVEL_TTL_SECONDS,
    holdHours: env.MONITOR_HOLD_HOURS,
    cipher: new FieldCipher(env.DATA_ENCRYPTION_KEY),
    afterCommit: () => relay.nudge(),
  });
  const alerts = new AlertsService({ alerts: alertRepository });
  const consumer = env.MONITOR_CONSUME_EVENTS ? createMonitorConsumer({ prisma, known, assessment, redis: redisSettings, logger }) : undefined;
  const buildContext = contextBuilder({ services: { assessment, alerts }, alertRepository, hub });

  const server = await buildSubgraphServer<MonitorContext>({
    name: 'monitor',
    operations: { port: env.MONITOR_OPS_PORT, host: env.OPS_HOST },
    typeDefs,
    resolvers,
    production,
    internalSecret: env.INTERNAL_SECRET,
    logger,
    buildContext,
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
    attach: attachSubscriptions<MonitorContext>({ subgraph: 'monitor', internalSecret: env.INTERNAL_SECRET, logger, buildContext, production }),
    readiness: databaseAndRedisReadiness(prisma, redis),
    onStop: async () => {
      await consumer?.close();
      await buffer.close();
      await relay.stop();
      await hub.close();
      await Promise.allSettled([redis.quit(), prisma.$disconnect()]);
    },
  });

  return {
    env,
    logger,
    prisma,
    assessment,
    alerts,
    buffer,
    async start(port = env.MONITOR_PORT, host = env.MONITOR_HOST) {
      relay.start();
      consumer?.start();
      buffer.start();
      const running = await server.start(port, host);
      // `listening` with the port is what npm start and the e2e harness wait for.
      logger.info({ url: running.url, port: running.port, operationsUrl: running.operationsUrl }, 'listening');
      return running;
    },
    stop: () => server.stop(),
  };
}
