// Builds the transaction subgraph (does not listen): configuration, Prisma, Redis, storage,
// outbox relay, event consumer, services, and the Apollo subgraph on express with the local
// storage route. index.ts and tests call start/stop.
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { databaseAndRedisReadiness, PublicBaseUrl, buildSubgraphServer, createLogger, createRedis, mountInternalRoute, type Logger, type RunningServer, OutboxRelay } from '@anshim/platform';
import { parseUserIds, SAFETY_INPUTS_ROUTE } from '@anshim/contracts';
import {
  createStorageDriver,
  LocalStorageDriver,
  mountLocalStorageRoutes,
  PRODUCT_IMAGE_POLICY,
  publicNamespaces,
  Uploads,
  UploadSweep,
  UploadTickets,
  localStorageSigningSecret,
  uploadTicketSettings,
} from '@anshim/platform/storage';
import type { TransactionContext } from './context.ts';
import { createDatabase, type TransactionPrisma } from './database.ts';
import { loadTransactionEnv, type TransactionEnv } from './env.ts';
import { createTransactionConsumer } from './events/consumers.ts';
import { TransactionEvents } from './events/transaction-events.ts';
import { ImageService } from './image-service.ts';
import { createLoaders } from './loaders.ts';
import { PartyRepository } from './party-repository.ts';
import { ProductCache } from './product-cache.ts';
import { ProductRepository } from './product-repository.ts';
import { ProductService } from './product-service.ts';
import { resolvers } from './resolvers/index.ts';
import { SafetyInputsRepository } from './safety-inputs-repository.ts';
import { TradeRepository } from './trade-repository.ts';
import { TradeService } from './trade-service.ts';
import { UploadRepository } from './upload-repository.ts';
import { ViewCounter } from './view-counter.ts';
import { ZoneRepository } from './zone-repository.ts';
import { ZoneService } from './zone-service.ts';

const typeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

export interface TransactionServerOptions {
  /** Called with every SQL statement; tests use it to prove batching. */
  onQuery?: (sql: string) => void;
}

export interface TransactionServer {
  env: TransactionEnv;
  logger: Logger;
  prisma: TransactionPrisma;
  /** Starts the outbox relay, the event consumer and the view flusher, then listens. */
  start(port?: number, host?: string): Promise<RunningServer>;
  /** Drains HTTP, then closes consumer, relay, Redis and Prisma. */
  stop(): Promise<void>;
  /** Adds buffered product views to PostgreSQL now (tests). */
  flushViews(): Promise<void>;
  /** Deletes product pictures whose ticket expired unattached (a repeatable job; tests call sweep(now)). */
  uploadSweep: UploadSweep;
}

export async function buildTransactionServer(overrides: Record<string, string | undefined> = {}, options: TransactionServerOptions = {}): Promise<TransactionServer> {
  const env = loadTransactionEnv(overrides);
  const production = env.NODE_ENV === 'production';
  const logger = createLogger('transaction', env.LOG_LEVEL);
  const prisma = createDatabase({ databaseUrl: env.DATABASE_URL, onQuery: options.onQuery, poolSize: env.TRANSACTION_DB_POOL_SIZE });
  const redisSettings = { url: env.REDIS_URL, prefix: env.REDIS_PREFIX };
  const redis = createRedis(redisSettings);
  const relay = new OutboxRelay({ prisma, service: 'transaction', redis: redisSettings, logger });
  const afterCommit = () => relay.nudge();

  const publicBaseUrl = new PublicBaseUrl(env.TRANSACTION_PUBLIC_URL, env.TRANSACTION_PORT);
  const storage = createStorageDriver(env, {
    publicBaseUrl: publicBaseUrl.get,
    signingSecret: localStorageSigningSecret(env.INTERNAL_SECRET),
    publicNamespaces: publicNamespaces([PRODUCT_IMAGE_POLICY]),
  });

  const products = new ProductRepository(prisma);
  const trades = new TradeRepository(prisma);
  const parties = new PartyRepository(prisma);
  const zones = new ZoneRepository(prisma);
  const cache = new ProductCache(redis, { ttlSeconds: env.PRODUCT_CACHE_TTL_SECONDS, enabled: env.PRODUCT_CACHE, logger });
  const views = new ViewCounter(redis, products, logger);
  const events = new TransactionEvents();
  const tickets = new UploadTickets(redis, uploadTicketSettings(env));
  const images = new ImageService(new Uploads(storage, { tickets }), new UploadRepository(prisma));
  const uploadSweep = new UploadSweep({
    service: 'transaction',
    kinds: [{ policy: PRODUCT_IMAGE_POLICY, attachedAmong: (keys) => images.attachedAmong(keys) }],
    tickets,
    storage,
    redis: redisSettings,
    logger,
    intervalMinutes: env.UPLOAD_SWEEP_INTERVAL_MINUTES,
  });
  const services = {
    products: new ProductService({ prisma, products, parties, images, cache, views, events, afterCommit }),
    trades: new TradeService({ prisma, trades, products, parties, cache, events, afterCommit }),
    images,
    zones: new ZoneService({ prisma, zones, trades, events, afterCommit }),
  };
  const consumer = env.TRANSACTION_CONSUME_EVENTS
    ? createTransactionConsumer({ prisma, parties, products, cache, redis: redisSettings, logger })
    : undefined;

  const server = await buildSubgraphServer<TransactionContext>({
    name: 'transaction',
    operations: { port: env.TRANSACTION_OPS_PORT, host: env.OPS_HOST },
    typeDefs,
    resolvers,
    production,
    internalSecret: env.INTERNAL_SECRET,
    logger,
    buildContext: (base) => ({ ...base, loaders: createLoaders(products, trades, zones), services }),
    readiness: databaseAndRedisReadiness(prisma, redis),
    routes: (app) => {
      if (storage instanceof LocalStorageDriver) mountLocalStorageRoutes(app, storage);
      const safetyInputs = new SafetyInputsRepository(prisma);
      mountInternalRoute(app, SAFETY_INPUTS_ROUTE, { logger, callers: ['safety'], parse: parseUserIds, handle: (ids) => safetyInputs.forUsers(ids) });
    },
    onStop: async () => {
      await uploadSweep.job.close();
      await consumer?.close();
      await views.stop();
      await relay.stop();
      await Promise.allSettled([redis.quit(), prisma.$disconnect()]);
    },
  });

  return {
    env,
    logger,
    prisma,
    async start(port = env.TRANSACTION_PORT, host = env.TRANSACTION_HOST) {
      relay.start();
      consumer?.start();
      views.start(env.VIEW_FLUSH_INTERVAL_MS);
      await uploadSweep.job.start();
      const running = await server.start(port, host);
      publicBaseUrl.listeningOn(host, running.port);
      return running;
    },
    stop: () => server.stop(),
    flushViews: () => views.flush(),
    uploadSweep,
  };
}
