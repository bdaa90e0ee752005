// The gateway's composition: Apollo Server + @apollo/gateway on express 5 with the limits, the
// pass-through, subscriptions and the upstream pieces, built from complete settings (env.ts) so
// that nothing here decides a default. Listening is start()'s; index.ts is the process.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Express, type Request, type Response } from 'express';
import {
  countOnScrape,
  createMetrics,
  DEV_ALLOWANCE_HEADER,
  DEVICE_ID_HEADER,
  validDeviceId,
  validUserAgent,
  metricsPlugin,
  createRedis,
  logConnectionState,
  RedisChannelHub,
  jsonBody,
  jsonErrorHandler,
  localeFromHeader,
  localizeErrorsPlugin,
  mountPublicHealth,
  buildOperationsServer,
  DELIVERY_HOP_BUCKETS,
  durationHistogram,
  type Logger,
  type RunningServer,
} from '@anshim/platform';
import { createAuthenticator } from './auth.ts';
import type { GatewayContext } from './context.ts';
import { createAdminConsole } from './admin-console.ts';
import { createExplorer } from './explorer.ts';
import { httpResponseCounter, subgraphUpGauge, subscriptionGauges, timedExchange } from './gateway-metrics.ts';
import { gatewayErrorFormatter } from './format-error.ts';
import { rejectHttpSubscriptions } from './http-subscriptions.ts';
import type { GatewaySettings } from './env.ts';
import { passThroughRoutes } from './pass-through/allow-list.ts';
import { mountGuardianApprovalPage } from './guardian-approval-page.ts';
import { mountPassThrough, refuseNonOriginForm } from './pass-through/proxy.ts';
import { limitBatchSize } from './limits/batch.ts';
import { clientIpOf, parseTrustedProxies } from './limits/client-ip.ts';
import { EarlyDocumentCheck, SHAPE_MEASURED } from './limits/early-check.ts';
import { OperationGuard } from './limits/operation-guard.ts';
import { limitsPlugin } from './limits/plugin.ts';
import { SlidingWindowRateLimiter } from './limits/rate-limit.ts';
import { errorLogPlugin } from './plugins.ts';
import { requestLocals, requestLog } from './request-log.ts';
import { SubscriptionExecutor, type SubscriptionStats } from './subscriptions/executor.ts';
import { SubscriptionPlanner } from './subscriptions/planner.ts';
import { attachGatewaySubscriptions } from './subscriptions/server.ts';
import { ConnectionCaps } from './subscriptions/connection-caps.ts';
import { SubscriptionCapacity } from './subscriptions/capacity.ts';
import { SocketRevocations } from './subscriptions/socket-revocations.ts';
import { InflightFetches } from './upstream/inflight-fetches.ts';
import { FetchBatcher } from './upstream/fetch-batcher.ts';
import { entityCacheFor } from './upstream/entity-cache-metrics.ts';
import { gatewayReadiness } from './upstream/readiness.ts';
import { SubgraphBreaker } from './upstream/subgraph-breaker.ts';
import { SubgraphDataSource } from './upstream/subgraph-data-source.ts';
import { createSubgraphFetcher } from './upstream/subgraph-fetcher.ts';
import { assertKnownSubgraphs } from './upstream/subgraph-roles.ts';

/** The settings env.ts makes (complete: nothing here has a default of its own), plus what is not one. */
export interface GatewayOptions extends GatewaySettings {
  /** The composed supergraph (gateway/supergraph.graphql). */
  supergraphSdl: string;
  internalSecret: string;
  jwtSecret: string;
  logger: Logger;
}

export interface GatewayServer {
  app: Express;
  /** Subgraph name → the URL the gateway fetches from. */
  subgraphs: ReadonlyMap<string, string>;
  /** Open upstream subscriptions, distinct downstream selections and subscribers. */
  subscriptionStats(): SubscriptionStats;
  start(port: number, host?: string): Promise<RunningServer>;
  stop(): Promise<void>;
}

/** Builds the gateway (Apollo Server + @apollo/gateway on express 5); it listens only on start(). */
export async function buildGateway(options: GatewayOptions): Promise<GatewayServer> {
  const { logger, production, limits, subgraphRoles } = options;
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  const metrics = createMetrics('gateway');
  const redis = createRedis(options.redis);
  logConnectionState(redis, logger, 'commands');
  const fetcher = createSubgraphFetcher({ timeoutMs: options.subgraphTimeoutMs });
  const subgraphs = new Map<string, string>();
  const inflight = options.shareInflightFetches ? new InflightFetches() : undefined;
  if (inflight) countOnScrape(metrics, 'gateway_subgraph_fetches_shared_total', 'Subgraph reads answered by an identical read already in flight', () => inflight.shared);
  const batcher = options.mergeFetches ? new FetchBatcher() : undefined;
  if (batcher) countOnScrape(metrics, 'gateway_subgraph_fetches_merged_total', 'Subgraph reads that travelled with others of their client request in one request', () => batcher.merged);
  if (batcher) countOnScrape(metrics, 'gateway_subgraph_fetches_merge_resent_total', 'Merged subgraph reads sent again alone: the merged answer hid their outcome', () => batcher.resent);
  const entityCache = entityCacheFor(options.entityCache, redis, metrics, logger);
  const dataSources = new Map<string, GraphQLDataSource>();
  const breakers = new Map<string, SubgraphBreaker>();
  const planner = new SubscriptionPlanner();
  const { maxBodyBytes, maxBatchSize, rateLimits, complexity } = limits;
  const trustedProxies = parseTrustedProxies(limits.trustedProxies);
  const earlyCheck = new EarlyDocumentCheck({ maxTokens: limits.maxTokens, limits: complexity, enabled: limits.earlyDocumentCheck });
  const guard = new OperationGuard(
    complexity,
    rateLimits ? { limiter: new SlidingWindowRateLimiter(redis), settings: rateLimits } : null,
  );

  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    logger,
    buildService: ({ name, url }) => {
      const target = options.subgraphUrls[name] ?? url;
      if (!target) throw new Error(`subgraph ${name} has no URL in the supergraph or SUBGRAPH_URLS`);
      subgraphs.set(name, target);
      const breaker = new SubgraphBreaker(name, options.subgraphBreaker, logger);
      breakers.set(name, breaker);
      const forwardAuthorization = subgraphRoles.forwardAuthorizationTo.includes(name);
      const dataSource = new SubgraphDataSource({ name, url: target, fetcher: timedExchange(metrics, name, fetcher), internalSecret: options.internalSecret, forwardAuthorization, inflight, breaker, entityCache, batcher });
      dataSources.set(name, dataSource);
      return dataSource;
    },
  });
  // Subscriptions are planned and executed here (ARCHITECTURE §7), on the same supergraph.
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl, apiSchema }) => planner.update(coreSupergraphSdl, apiSchema));
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    logger,
    stopOnTerminationSignals: false, // index.ts owns SIGINT/SIGTERM
    introspection: options.introspection,
    includeStacktraceInErrorResponses: !production,
    allowBatchedHttpRequests: maxBatchSize > 1,
    parseOptions: earlyCheck.parseOptions,
    formatError: gatewayErrorFormatter({ production }),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      limitsPlugin(guard),
      localizeErrorsPlugin<GatewayContext>(),
      metricsPlugin(metrics),
      errorLogPlugin(),
    ],
  });

  const release = async () => {
    fetcher.close();
    redis.disconnect();
  };
  try {
    await apollo.start();
    // Every subgraph the settings name must be one of the supergraph's (index.ts then exits 1).
    assertKnownSubgraphs(options, subgraphs.keys());
  } catch (error) {
    await apollo.stop().catch(() => undefined);
    await release();
    throw error;
  }

  const authenticator = createAuthenticator({ jwtSecret: options.jwtSecret, redis });
  app.use(httpResponseCounter(metrics));
  app.use(requestLog(logger));
  app.use(refuseNonOriginForm);
  const readiness = gatewayReadiness({ redis, subgraphs, fetch: fetcher.fetch });
  subgraphUpGauge(metrics, { subgraphs, breakers, fetch: fetcher.fetch });
  mountPublicHealth(app, { checks: readiness });
  const operations = buildOperationsServer(options.operations, { checks: readiness, registry: metrics.registry });
  // Browser-facing routes of the services (OIDC redirects, ID card photos, stored files): an allow-list, nothing else.
  mountPassThrough(app, {
    ...passThroughRoutes(subgraphRoles),
    serviceUrl: (service) => subgraphs.get(service),
    timeoutMs: options.subgraphTimeoutMs,
    internalSecret: options.internalSecret,
    identify: (req) => authenticator.identify(req.headers.authorization, localeFromHeader(req.headers['accept-language']), logger),
    logger,
  });
  const requestContext = async (req: Request, res: Response): Promise<GatewayContext> => {
    const { requestId, logger: requestLogger } = requestLocals(res.locals);
    const acceptLanguage = req.headers['accept-language'];
    const locale = localeFromHeader(acceptLanguage);
    const identity = await authenticator.identify(req.headers.authorization, locale, requestLogger);
    const contextLogger = identity ? requestLogger.child({ userId: identity.userId }) : requestLogger;
    const allowance = req.headers[DEV_ALLOWANCE_HEADER];
    const devAllowance = typeof allowance === 'string' && limits.devAllowance.grants(allowance) ? allowance : undefined;
    const deviceId = validDeviceId(req.headers[DEVICE_ID_HEADER]);
    const userAgent = validUserAgent(req.headers['user-agent']);
    const shapeMeasured = res.locals[SHAPE_MEASURED] === true;
    return { identity, clientIp: clientIpOf(req, trustedProxies), deviceId, userAgent, requestId, locale, acceptLanguage, authorization: identity ? req.headers.authorization : undefined, devAllowance, logger: contextLogger, shapeMeasured };
  };
  // The page a guardian's SMS links to: a plain form that answers decideGuardianApproval through this same server.
  mountGuardianApprovalPage(app, { apollo, context: requestContext });
  const explorer = options.explorerDir ? createExplorer(options.explorerDir) : undefined;
  if (explorer) app.use(explorer.routes);
  if (options.adminConsole) app.use(createAdminConsole(options.adminConsole));
  app.use(
    '/graphql',
    ...(explorer ? [explorer.page] : []),
    jsonBody(maxBodyBytes),
    limitBatchSize(maxBatchSize),
    earlyCheck.middleware(() => planner.currentApiSchema()),
    rejectHttpSubscriptions,
    expressMiddleware(apollo, { context: ({ req, res }) => requestContext(req, res) }),
  );
  app.use(jsonErrorHandler);

  const executor = new SubscriptionExecutor({
    planner,
    subgraphUrls: subgraphs,
    dataSources,
    internalSecret: options.internalSecret,
    logger,
    formatError: gatewayErrorFormatter({ production }),
    joinBatching: options.subscriptions.joinBatching,
    joinBatchWindowMs: options.subscriptions.joinBatchWindowMs,
    eventSeconds: durationHistogram(
      metrics,
      'anshim_subscription_event_seconds',
      'Per upstream subscription event and group: from its arrival to its result handed to the subscribers, by the subgraph it came from',
      DELIVERY_HOP_BUCKETS,
      ['subgraph'],
    ),
  });
  const revocationHub = new RedisChannelHub(options.redis, logger);
  const capacity = new SubscriptionCapacity(options.subscriptions.capacity);
  const revocations = new SocketRevocations({ authenticator, hub: revocationHub, sweepIntervalMs: options.subscriptions.revocationSweepMs, logger });
  revocations.start();
  const webSockets = attachGatewaySubscriptions({
    revocations,
    caps: new ConnectionCaps(options.subscriptions.connectionCaps),
    capacity,
    earlyCheck,
    httpServer,
    apollo,
    planner,
    executor,
    authenticator,
    guard,
    clientIpOf: (request) => clientIpOf(request, trustedProxies),
    maxPayloadBytes: maxBodyBytes,
    logger,
    production,
    maxSubscriptionsPerConnection: options.subscriptions.maxPerConnection,
    connectionInitTimeoutMs: options.subscriptions.connectionInitTimeoutMs,
  });

  subscriptionGauges(metrics, capacity);

  return {
    app,
    subgraphs,
    subscriptionStats: () => executor.stats(),
    async start(port, host = '127.0.0.1') {
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          resolve();
        });
      });
      const actual = (httpServer.address() as AddressInfo).port;
      const ops = await operations.start();
      return { port: actual, url: `http://${host}:${actual}/graphql`, operationsUrl: ops.url };
    },
    async stop() {
      await operations.stop();
      await webSockets.dispose(); // closes client sockets (1001) and their subscriptions
      await revocations.close();
      await revocationHub.close();
      await executor.close(); // upstream subscriptions and their sockets to the subgraphs
      await apollo.stop(); // drains the HTTP server, then stops the gateway
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await release();
    },
  };
}
