// Builds the transaction subgraph (does not listen) on the kit's defineSubgraph, which owns the
// logger, Prisma, Redis, the outbox relay, the Apollo subgraph and the start and stop order; the
// kit's subgraph storage wires product pictures (driver, tickets, local routes, upload sweep).
// Here: repositories, the product cache and view counter, services, the event consumer and the
// /internal routes safety and report read; the user service read when a trade starts. Composition only. index.ts and tests call start/stop.
import { businessCounter, defineSubgraph, internalReader, mountInternalRoute, PlainSql, type SubgraphServer } from '@anshim/platform';
import { parseTradeFactsRequest, parseUserIds, SAFETY_INPUTS_ROUTE, TRADE_FACTS_ROUTE } from '@anshim/contracts';
import { openSubgraphStorage, PRODUCT_IMAGE_POLICY, Uploads, type UploadSweep } from '@anshim/platform/storage';
import { contextBuilder } from './context.ts';
import { PartyRepository } from './copies/party-repository.ts';
import { RiskEffectsRepository } from './copies/risk-effects-repository.ts';
import { UserOwner } from './copies/user-owner.ts';
import { createDatabase, type TransactionPrisma, type Tx } from './database.ts';
import { loadTransactionEnv, type TransactionEnv } from './env.ts';
import { ImageService } from './images/image-service.ts';
import { UploadRepository } from './images/upload-repository.ts';
import { transactionHandlers } from './inbound/consumers.ts';
import { CheckInAlerts } from './jobs/check-in-alert.ts';
import { CheckInRepository } from './meetings/check-in-repository.ts';
import { CheckInService } from './meetings/check-in-service.ts';
import { TransactionEvents } from './outbound/transaction-events.ts';
import { ProductCache } from './products/product-cache.ts';
import { ProductRepository } from './products/product-repository.ts';
import { ProductService } from './products/product-service.ts';
import { ViewCounter } from './products/view-counter.ts';
import { resolvers } from './resolvers/index.ts';
import { SafetyInputsRepository } from './trades/safety-inputs-repository.ts';
import { tradeFacts } from './trades/trade-facts.ts';
import { TradeRepository } from './trades/trade-repository.ts';
import { TradeDashboard } from './dashboard/trade-dashboard.ts';
import { TradeService } from './trades/trade-service.ts';
import { ZoneRepository } from './zones/zone-repository.ts';
import { ZoneService } from './zones/zone-service.ts';

export interface TransactionServerOptions {
  /** Called with every SQL statement; tests use it to prove batching. */
  onQuery?: (sql: string) => void;
  /**
   * Benchmark only (bench/trade-start-read.ts measures what the owner read costs): start trades on
   * the local copy alone. Deliberately not a setting: in a running service the read always happens.
   */
  withoutOwnerReadForBenchmark?: boolean;
}

/** Started: relay, event consumer, view flusher, upload sweep, then HTTP; stopped the other way round. */
export type TransactionServer = SubgraphServer<
  TransactionEnv,
  TransactionPrisma,
  {
    /** Adds buffered product views to PostgreSQL now (tests). */
    flushViews(): Promise<void>;
    /** The overdue alerts of check-ins at meeting spots (tests run a job at once). */
    checkInAlerts: CheckInAlerts;
    /** Deletes product pictures whose ticket expired unattached (a repeatable job; tests call sweep(now)). */
    uploadSweep: UploadSweep;
  }
>;

export async function buildTransactionServer(overrides: Record<string, string | undefined> = {}, options: TransactionServerOptions = {}): Promise<TransactionServer> {
  const env = loadTransactionEnv(overrides);
  return defineSubgraph({
    name: 'transaction',
    env,
    schema: new URL('../schema.graphql', import.meta.url),
    resolvers,
    database: (databaseUrl) => createDatabase({ databaseUrl, onQuery: options.onQuery, poolSize: env.TRANSACTION_DB_POOL_SIZE }),
    compose: (parts) => {
      const { prisma, redis, redisSettings, logger, afterCommit, metrics } = parts;
      const storage = openSubgraphStorage(parts, { publicUrl: env.TRANSACTION_PUBLIC_URL, port: env.TRANSACTION_PORT, publicPolicies: [PRODUCT_IMAGE_POLICY] });
      // Listing pages and the batched `_entities` read run on plain pg (product-repository.ts says why).
      const reads = new PlainSql({ databaseUrl: env.DATABASE_URL, service: 'transaction', poolSize: 4, onQuery: options.onQuery, planEachCall: true });
      const products = new ProductRepository(prisma, reads);
      const trades = new TradeRepository(prisma);
      const parties = new PartyRepository(prisma);
      const riskEffects = new RiskEffectsRepository(prisma);
      const zones = new ZoneRepository(prisma);
      const checkIns = new CheckInRepository(prisma);
      const cache = new ProductCache(redis, { ttlSeconds: env.PRODUCT_CACHE_TTL_SECONDS, enabled: env.PRODUCT_CACHE, logger });
      const views = new ViewCounter(redis, products, logger, env.VIEW_FLUSH_INTERVAL_MS);
      const events = new TransactionEvents();
      const tradeCounter = businessCounter(metrics, 'trades', [{ event: 'started' }, { event: 'completed' }, { event: 'cancelled' }, { event: 'disputed' }]);
      const userOwner = new UserOwner(
        options.withoutOwnerReadForBenchmark ? null : internalReader({ caller: 'transaction', target: 'user', baseUrl: env.TRANSACTION_USER_SUBGRAPH_URL, internalSecret: env.INTERNAL_SECRET, timeoutMs: env.TRANSACTION_INTERNAL_READ_TIMEOUT_MS }),
        logger,
      );
      const images = new ImageService(new Uploads(storage.driver, { tickets: storage.tickets }), new UploadRepository(prisma));
      const uploadSweep = storage.sweep('transaction', [{ policy: PRODUCT_IMAGE_POLICY, attachedAmong: (keys) => images.attachedAmong(keys) }]);
      // The worker runs where events are consumed; every process files alerts.
      const checkInAlerts = new CheckInAlerts({
        prisma, checkIns, trades, zones, events, redis: redisSettings, logger, afterCommit,
        alertAfterSeconds: env.TRANSACTION_CHECK_IN_ALERT_SECONDS,
        runsWorker: env.TRANSACTION_CONSUME_EVENTS,
      });
      const services = {
        products: new ProductService({ prisma, products, parties, riskEffects, images, cache, views, events, afterCommit }),
        trades: new TradeService({ prisma, trades, products, parties, riskEffects, userOwner, cache, events, afterCommit, counter: tradeCounter }),
        images,
        zones: new ZoneService({ prisma, zones, trades, events, afterCommit }),
        dashboard: new TradeDashboard(prisma),
        checkIns: new CheckInService({ prisma, checkIns, trades, scheduleAlert: (checkIn) => checkInAlerts.schedule(checkIn), cancelAlert: (id) => checkInAlerts.cancel(id) }),
      };
      const safetyInputs = new SafetyInputsRepository(prisma);
      return {
        context: contextBuilder({ services, repositories: { products, trades, zones, riskEffects, checkIns } }),
        routes: (app) => {
          storage.mountLocalRoutes(app);
          mountInternalRoute(app, SAFETY_INPUTS_ROUTE, { logger, callers: ['safety'], parse: parseUserIds, handle: (ids) => safetyInputs.forUsers(ids) });
          // Read-your-writes for copies of products and trades (report's, before it answers NOT_FOUND).
          mountInternalRoute(app, TRADE_FACTS_ROUTE, { logger, callers: ['report', 'chat'], parse: parseTradeFactsRequest, handle: (request) => tradeFacts(prisma, request) });
        },
        consumer: env.TRANSACTION_CONSUME_EVENTS ? parts.consume<Tx>((hooks) => transactionHandlers({ parties, riskEffects, products, cache }, hooks)) : undefined,
        // After the consumer on stop: views recorded until then are still added.
        jobs: [views, uploadSweep.job, checkInAlerts],
        closing: [() => reads.end()],
        onListening: storage.onListening,
        listeningDetails: { storage: env.STORAGE_DRIVER },
        expose: { flushViews: () => views.flush(), uploadSweep, checkInAlerts },
      };
    },
  });
}
