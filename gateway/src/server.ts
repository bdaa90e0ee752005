import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Express } from 'express';
import {
  countOnScrape,
  createMetrics,
  DEV_ALLOWANCE_HEADER,
  DevAllowance,
  metricsPlugin,
  createRedis,
  RedisChannelHub,
  jsonBody,
  jsonErrorHandler,
  localeFromHeader,
  localizeErrorsPlugin,
  mountPublicHealth,
  buildOperationsServer,
  type OperationsSettings,
  type Logger,
  type RedisSettings,
  type RunningServer,
} from '@anshim/platform';
import { createAuthenticator } from './auth.ts';
import type { GatewayContext } from './context.ts';
import { createExplorer } from './explorer.ts';
import { gatewayErrorFormatter } from './format-error.ts';
import { rejectHttpSubscriptions } from './http-subscriptions.ts';
import { AUTH_ROUTES, FILE_ROUTES, FILE_SERVICES } from './pass-through/allow-list.ts';
import { mountPassThrough, refuseNonOriginForm } from './pass-through/proxy.ts';
import { limitBatchSize } from './limits/batch.ts';
import { clientIpOf, parseTrustedProxies } from './limits/client-ip.ts';
import { DEFAULT_COMPLEXITY_LIMITS, type ComplexityLimits } from './limits/complexity.ts';
import { DEFAULT_MAX_TOKENS, EarlyDocumentCheck } from './limits/early-check.ts';
import { OperationGuard } from './limits/operation-guard.ts';
import { limitsPlugin } from './limits/plugin.ts';
import { SlidingWindowRateLimiter } from './limits/rate-limit.ts';
import { DEFAULT_RATE_LIMITS, type RateLimitSettings } from './limits/rate-policy.ts';
import { errorLogPlugin } from './plugins.ts';
import { gatewayReadiness } from './readiness.ts';
import { requestLocals, requestLog } from './request-log.ts';
import { SubgraphDataSource } from './subgraph-data-source.ts';
import { InflightFetches } from './inflight-fetches.ts';
import { SubgraphBreaker, type BreakerSettings } from './subgraph-breaker.ts';
import { createSubgraphFetcher } from './subgraph-fetcher.ts';
import { SubscriptionExecutor, type SubscriptionStats } from './subscriptions/executor.ts';
import { SubscriptionPlanner } from './subscriptions/planner.ts';
import { attachGatewaySubscriptions } from './subscriptions/server.ts';
import { ConnectionCaps, DEFAULT_CONNECTION_CAPS, type ConnectionCapSettings } from './subscriptions/connection-caps.ts';
import { SocketRevocations } from './subscriptions/socket-revocations.ts';

export interface GatewayOptions {
  /** The composed supergraph (gateway/supergraph.graphql). */
  supergraphSdl: string;
  production: boolean;
  /** Defaults to on outside production. */
  introspection?: boolean;
  internalSecret: string;
  jwtSecret: string;
  redis: RedisSettings;
  /** Subgraph name → GraphQL URL, replacing the URL composed into the supergraph. */
  subgraphUrls?: Record<string, string>;
  subgraphTimeoutMs?: number;
  /** Identical subgraph reads in flight at once share one request (default on; see inflight-fetches.ts). */
  shareInflightFetches?: boolean;
  /** Per-subgraph circuit breaker (default 5 unreachable answers in a row, 5 s cooldown; failures 0: off). */
  subgraphBreaker?: BreakerSettings;
  /**
   * graphql-ws on /graphql: subscriptions per connection (default 20), connection_init deadline (default 3 s),
   * per-event join batching across subscription groups (default on, window 0 = one event-loop turn; see subscriptions/join-batcher.ts).
   */
  subscriptions?: {
    maxPerConnection?: number;
    connectionInitTimeoutMs?: number;
    joinBatching?: boolean;
    joinBatchWindowMs?: number;
    /** Open connections per address (/64) and per member (default 50 and 10, per gateway process). */
    connectionCaps?: Partial<ConnectionCapSettings>;
    /** How often open sockets' tokens are checked against Redis again (default 2 s; the pub/sub notice is faster). */
    revocationSweepMs?: number;
  };
  /** README "Limits"; every field defaults to the documented value. */
  limits?: GatewayLimits;
  /** /metrics and the detailed /readyz (default: a free port on 127.0.0.1). */
  operations?: OperationsSettings;
  /** Serve the GraphiQL explorer built into this folder (gateway/explorer-dist) at /explorer and, for browsers, /graphql. */
  explorerDir?: string;
  logger: Logger;
}

export interface GatewayLimits {
  /** HTTP body and graphql-ws message size (default 1 MB). */
  maxBodyBytes?: number;
  /** Operations in one batched HTTP request (default 10; 1 refuses batches). */
  maxBatchSize?: number;
  complexity?: Partial<ComplexityLimits>;
  /** Most tokens a document may have (default 2,000). */
  maxTokens?: number;
  /** Token and shape limits before graphql's validation (default on; off only for before/after benches). */
  earlyDocumentCheck?: boolean;
  /** null turns the rate limits off. */
  rateLimits?: RateLimitSettings | null;
  /** TRUSTED_PROXIES syntax (default: none, X-Forwarded-For ignored). */
  trustedProxies?: string;
  /** Whose requests skip the rate limits: the development seed's (platform dev-allowance.ts; default nobody). */
  devAllowance?: DevAllowance;
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

function unknownOverrides(overrides: Record<string, string>, subgraphs: ReadonlyMap<string, string>): string[] {
  return Object.keys(overrides).filter((name) => !subgraphs.has(name));
}

/** Builds the gateway (Apollo Server + @apollo/gateway on express 5); it listens only on start(). */
export async function buildGateway(options: GatewayOptions): Promise<GatewayServer> {
  const { logger, production } = options;
  const overrides = options.subgraphUrls ?? {};
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  const metrics = createMetrics('gateway');
  const redis = createRedis(options.redis);
  const fetcher = createSubgraphFetcher({ timeoutMs: options.subgraphTimeoutMs ?? 10_000 });
  const subgraphs = new Map<string, string>();
  const inflight = options.shareInflightFetches === false ? undefined : new InflightFetches();
  if (inflight) countOnScrape(metrics, 'gateway_subgraph_fetches_shared_total', 'Subgraph reads answered by an identical read already in flight', () => inflight.shared);
  const dataSources = new Map<string, GraphQLDataSource>();
  const planner = new SubscriptionPlanner();
  const limits = options.limits ?? {};
  const maxBodyBytes = limits.maxBodyBytes ?? 1_048_576;
  const maxBatchSize = limits.maxBatchSize ?? 10;
  const trustedProxies = parseTrustedProxies(limits.trustedProxies ?? '');
  const rateLimits = limits.rateLimits === undefined ? DEFAULT_RATE_LIMITS : limits.rateLimits;
  const complexity = { ...DEFAULT_COMPLEXITY_LIMITS, ...limits.complexity };
  const earlyCheck = new EarlyDocumentCheck({ maxTokens: limits.maxTokens ?? DEFAULT_MAX_TOKENS, limits: complexity, enabled: limits.earlyDocumentCheck ?? true });
  const guard = new OperationGuard(
    complexity,
    rateLimits ? { limiter: new SlidingWindowRateLimiter(redis), settings: rateLimits } : null,
  );

  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    logger,
    buildService: ({ name, url }) => {
      const target = overrides[name] ?? url;
      if (!target) throw new Error(`subgraph ${name} has no URL in the supergraph or SUBGRAPH_URLS`);
      subgraphs.set(name, target);
      const breaker = new SubgraphBreaker(name, options.subgraphBreaker ?? { failures: 5, cooldownMs: 5_000 }, logger);
      const dataSource = new SubgraphDataSource({ name, url: target, fetcher, internalSecret: options.internalSecret, forwardAuthorization: name === 'user', inflight, breaker });
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
    introspection: options.introspection ?? !production,
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
    const unknown = unknownOverrides(overrides, subgraphs);
    if (unknown.length) {
      throw new Error(`SUBGRAPH_URLS names unknown subgraph(s): ${unknown.join(', ')} (the supergraph has ${[...subgraphs.keys()].join(', ')})`);
    }
  } catch (error) {
    await apollo.stop().catch(() => undefined);
    await release();
    throw error;
  }

  const authenticator = createAuthenticator({ jwtSecret: options.jwtSecret, redis });
  app.use(requestLog(logger));
  app.use(refuseNonOriginForm);
  const readiness = gatewayReadiness({ redis, subgraphs, fetch: fetcher.fetch });
  mountPublicHealth(app, { checks: readiness });
  const operations = buildOperationsServer(options.operations ?? { port: 0 }, { checks: readiness, registry: metrics.registry });
  // Browser-facing routes of the services (OIDC redirects, ID card photos, stored files): an allow-list, nothing else.
  mountPassThrough(app, {
    prefixes: ['/auth', ...FILE_SERVICES.map((service) => `/${service}/files`)],
    routes: [...AUTH_ROUTES, ...FILE_ROUTES],
    serviceUrl: (service) => subgraphs.get(service),
    timeoutMs: options.subgraphTimeoutMs ?? 10_000,
    internalSecret: options.internalSecret,
    identify: (req) => authenticator.identify(req.headers.authorization, localeFromHeader(req.headers['accept-language']), logger),
    logger,
  });
  const explorer = options.explorerDir ? createExplorer(options.explorerDir) : undefined;
  if (explorer) app.use(explorer.routes);
  app.use(
    '/graphql',
    ...(explorer ? [explorer.page] : []),
    jsonBody(maxBodyBytes),
    limitBatchSize(maxBatchSize),
    earlyCheck.middleware(() => planner.currentApiSchema()),
    rejectHttpSubscriptions,
    expressMiddleware(apollo, {
      context: async ({ req, res }): Promise<GatewayContext> => {
        const { requestId, logger: requestLogger } = requestLocals(res.locals);
        const acceptLanguage = req.headers['accept-language'];
        const locale = localeFromHeader(acceptLanguage);
        const identity = await authenticator.identify(req.headers.authorization, locale, requestLogger);
        const contextLogger = identity ? requestLogger.child({ userId: identity.userId }) : requestLogger;
        const allowance = req.headers[DEV_ALLOWANCE_HEADER];
        const devAllowance = typeof allowance === 'string' && (limits.devAllowance ?? DevAllowance.none).grants(allowance) ? allowance : undefined;
        return { identity, clientIp: clientIpOf(req, trustedProxies), requestId, locale, acceptLanguage, authorization: identity ? req.headers.authorization : undefined, devAllowance, logger: contextLogger };
      },
    }),
  );
  app.use(jsonErrorHandler);

  const executor = new SubscriptionExecutor({
    planner,
    subgraphUrls: subgraphs,
    dataSources,
    internalSecret: options.internalSecret,
    logger,
    formatError: gatewayErrorFormatter({ production }),
    joinBatching: options.subscriptions?.joinBatching,
    joinBatchWindowMs: options.subscriptions?.joinBatchWindowMs,
  });
  const revocationHub = new RedisChannelHub(options.redis);
  const revocations = new SocketRevocations({ authenticator, hub: revocationHub, sweepIntervalMs: options.subscriptions?.revocationSweepMs ?? 2_000, logger });
  revocations.start();
  const webSockets = attachGatewaySubscriptions({
    revocations,
    caps: new ConnectionCaps({ ...DEFAULT_CONNECTION_CAPS, ...options.subscriptions?.connectionCaps }),
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
    maxSubscriptionsPerConnection: options.subscriptions?.maxPerConnection ?? 20,
    connectionInitTimeoutMs: options.subscriptions?.connectionInitTimeoutMs ?? 3_000,
  });

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
      await executor.close(); // upstream subscriptions and graphql-ws clients
      await apollo.stop(); // drains the HTTP server, then stops the gateway
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await release();
    },
  };
}
