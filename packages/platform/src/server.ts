import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import express, { type Express, type Request } from 'express';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { Logger } from './logger.ts';
import { createErrorFormatter } from './errors.ts';
import { outageErrorsPlugin } from './outage-errors.ts';
import type { ClientInfo } from './client-info.ts';
import { REQUEST_ID_HEADER, type Identity } from './identity.ts';
import { parseSignedBodies, requireSignature, verifiedOf, type Verified } from './gateway-only.ts';
import { leanGraphqlHandler } from './lean-graphql.ts';
import { localeFromHeader, localizeErrorsPlugin, type Locale } from './i18n.ts';
import { createMetrics, metricsPlugin, type Metrics } from './metrics.ts';
import { entityDependenciesPlugin } from './entity-dependencies.ts';
import { buildOperationsServer, jsonBody, jsonErrorHandler, mountPublicHealth, type OperationsSettings, type ReadinessCheck } from './http.ts';

/** What every subgraph resolver context starts from. */
export interface RequestContext {
  identity: Identity | null;
  /** The client's device id and address as the gateway observed and signed them (nulls when unknown). */
  client: ClientInfo;
  requestId: string;
  locale: Locale;
  logger: Logger;
}

export interface SubgraphServerOptions<C extends RequestContext> {
  /** Also the name every signature must be made for. */
  name: string;
  typeDefs: DocumentNode;
  /** Codegen-typed resolvers; `buildSubgraphSchema` checks their shape at start. */
  resolvers: object;
  production: boolean;
  internalSecret: string;
  logger: Logger;
  /** Adds the service's own parts (loaders, services) to the request context. */
  buildContext: (base: RequestContext, headers: IncomingHttpHeaders) => C | Promise<C>;
  readiness: ReadinessCheck[];
  /** Extra HTTP routes (upload routes, /internal/*), mounted before /graphql behind the signature check. */
  routes?: (app: Express) => void;
  /** The operations port (/metrics, detailed /readyz, operator-only routes); port 0 picks a free one. */
  operations?: OperationsSettings;
  /** Attach other protocols (graphql-ws) to the HTTP server and the schema. */
  attach?: (server: Server, schema: GraphQLSchema) => Promise<() => Promise<void>> | (() => Promise<void>);
  /** Closes what the service opened (Prisma, Redis, workers) after the HTTP server drained. */
  onStop?: () => Promise<void>;
  metrics?: Metrics;
  /** Answer the gateway's plain signed POSTs to /graphql on the lean path (lean-graphql.ts); default true. */
  leanPath?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  /** The operations port's origin (http://127.0.0.1:<port>), when the process has one. */
  operationsUrl?: string;
}

export interface ServiceServer {
  app: Express;
  schema: GraphQLSchema;
  start(port: number, host?: string): Promise<RunningServer>;
  stop(): Promise<void>;
}

/** A subgraph is ready when its PostgreSQL and its Redis answer. */
export function databaseAndRedisReadiness(
  prisma: { $queryRawUnsafe(query: string): PromiseLike<unknown> },
  redis: { ping(): Promise<unknown> },
): ReadinessCheck[] {
  return [
    { name: 'postgres', check: async () => prisma.$queryRawUnsafe('SELECT 1') },
    { name: 'redis', check: () => redis.ping() },
  ];
}

/**
 * Where browsers reach this process for the links it signs (uploads, sign-in callbacks): the
 * configured public URL (the gateway's, in production) or, locally, this process once it listens.
 */
export class PublicBaseUrl {
  private current: string;

  constructor(
    private readonly configured: string | undefined,
    defaultPort: number,
  ) {
    this.current = configured ?? `http://localhost:${defaultPort}`;
  }

  readonly get = (): string => this.current;

  /** After listening (perhaps on port 0), links point at the real port unless a public URL is configured. */
  listeningOn(host: string, port: number): void {
    if (!this.configured) this.current = `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
  }
}

export function requestIdOf(req: { headers: IncomingHttpHeaders }): string {
  const given = req.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
}

/**
 * The plugins Apollo would otherwise install by itself, off: a subgraph is only ever called by the
 * gateway. Cache control in particular hooks every field of every request (a policy object per
 * resolved field) to compute a Cache-Control header that no subgraph schema asks for; it stays on
 * only for a schema that declares `@cacheControl`. No landing page, no inline traces (the gateway
 * keeps no Apollo traces), and no usage or schema reporting even if APOLLO_KEY is set by accident.
 */
export function withoutPerRequestExtras(schema: GraphQLSchema) {
  const hintsDeclared = schema.getDirective('cacheControl') !== undefined;
  return [
    ApolloServerPluginLandingPageDisabled(),
    ApolloServerPluginInlineTraceDisabled(),
    ApolloServerPluginUsageReportingDisabled(),
    ApolloServerPluginSchemaReportingDisabled(),
    ...(hintsDeclared ? [] : [ApolloServerPluginCacheControlDisabled()]),
  ];
}

/** Builds (does not listen) an Apollo subgraph on express 5 with health, readiness and metrics. */
export async function buildSubgraphServer<C extends RequestContext>(options: SubgraphServerOptions<C>): Promise<ServiceServer> {
  const app = express();
  app.disable('x-powered-by');
  // No ETag on answers: express would hash every response body (SHA-1) for a conditional GET that
  // the gateway, POSTing, never makes.
  app.set('etag', false);
  const httpServer = createServer();
  // Longer than the gateway's idle keep-alive sockets usually wait, so the server rarely closes
  // a connection the gateway is about to reuse (the fetcher retries that case once anyway).
  httpServer.keepAliveTimeout = 65_000;
  const metrics = options.metrics ?? createMetrics(options.name);
  const schema = buildSubgraphSchema([{ typeDefs: options.typeDefs, resolvers: options.resolvers as Parameters<typeof buildSubgraphSchema>[0] extends Array<infer M> ? M extends { resolvers?: infer R } ? R : never : never }]);

  const formatError = createErrorFormatter({
    production: options.production,
    onInternal: (error) => options.logger.error({ err: error }, 'unexpected error'),
  });
  // What every request runs besides executing it; the lean path runs the same plugins.
  const requestPlugins = [
    outageErrorsPlugin<C>((error) => options.logger.warn({ err: error }, 'a store is unreachable: answered "try again shortly"')),
    localizeErrorsPlugin<C>(),
    metricsPlugin<C>(metrics),
    entityDependenciesPlugin<C>(),
  ];
  const includeStacktrace = !options.production;
  const apollo = new ApolloServer<C>({
    schema,
    logger: options.logger,
    // The process owns SIGTERM (index.ts drains everything); Apollo's own handler would race it.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: includeStacktrace,
    formatError,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ...withoutPerRequestExtras(schema), ...requestPlugins],
  });
  await apollo.start();

  const contextOf = (verified: Verified, headers: IncomingHttpHeaders): C | Promise<C> => {
    const requestId = requestIdOf({ headers });
    const base: RequestContext = {
      identity: verified.identity,
      client: verified.client,
      requestId,
      locale: localeFromHeader(headers['accept-language']),
      logger: options.logger.child({ requestId }),
    };
    return options.buildContext(base, headers);
  };
  // A schema with cache hints needs Apollo's cache-control plugin (a header per answer): Apollo only.
  const lean = (options.leanPath ?? true) && schema.getDirective('cacheControl') === undefined;
  httpServer.on(
    'request',
    lean
      ? leanGraphqlHandler<C>({
          subgraph: options.name,
          internalSecret: options.internalSecret,
          logger: options.logger,
          schema,
          formatError,
          includeStacktrace,
          plugins: requestPlugins,
          buildContext: (verified, req) => contextOf(verified, req.headers),
          fallback: app,
        })
      : app,
  );

  mountPublicHealth(app, { checks: options.readiness });
  const operations = buildOperationsServer(options.operations ?? { port: 0 }, { checks: options.readiness, registry: metrics.registry });
  // Everything below answers only what the gateway (or, under /internal/, a service) signed.
  app.use(...parseSignedBodies());
  app.use(requireSignature({ subgraph: options.name, internalSecret: options.internalSecret, logger: options.logger }));
  options.routes?.(app);
  app.use(
    '/graphql',
    jsonBody(),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => contextOf(verifiedOf(res), req.headers),
    }),
  );
  app.use(jsonErrorHandler);

  let detach: (() => Promise<void>) | undefined;
  return {
    app,
    schema,
    async start(port, host = '127.0.0.1') {
      if (options.attach) detach = await options.attach(httpServer, schema);
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => resolve());
      });
      const actual = (httpServer.address() as AddressInfo).port;
      const ops = await operations.start();
      return { port: actual, url: `http://${host}:${actual}/graphql`, operationsUrl: ops.url };
    },
    async stop() {
      await operations.stop();
      await detach?.();
      await apollo.stop();
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await options.onStop?.();
    },
  };
}
