// The composition root every subgraph shares. defineSubgraph owns what each server.ts used to
// wire by hand the same way: the logger, Prisma (from the subgraph's factory), Redis, the outbox
// relay and its after-commit nudge, the Redis channel hub for subscriptions, graphql-ws, the Apollo
// subgraph with its health/readiness/metrics, and the order things start and stop in:
//
//   start: prepare → relay → event consumer → jobs (in the order given) → listen → log `listening`
//   stop:  drain HTTP and sockets → consumer → jobs → other closables → hub → relay → Redis + Prisma
//
// Start: the relay runs before anything can write an event, and the HTTP port opens last, so a
// request never meets a half-started process. Stop: the way in closes first (HTTP, then the
// consumer), then the jobs finish what those gave them (the consumer may queue jobs or fill a
// buffer a job flushes), and Redis and PostgreSQL close last because everything before uses them.
// A subgraph's server.ts keeps only what is its own: services, loaders, routes, consumer, jobs,
// and the extras it exposes to tests (`compose`). Its index.ts calls runSubgraph.
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import type { Express } from 'express';
import { parse } from 'graphql';
import { createLogger, type Logger } from '../logger.ts';
import { createMetrics, type Metrics } from '../metrics.ts';
import { installOutboxMetrics, installQueueMetrics } from '../events/queue-metrics.ts';
import { installEntityInvalidationMetrics } from '../events/entity-invalidation.ts';
import { configureRetrySchedule, retryScheduleFromEnv } from '../events/retry-schedule.ts';
import { consumerWithAfterCommit, type AfterCommitHooks } from '../events/after-commit.ts';
import { EventConsumer, unhandledConsumedEvents, type EventHandlers } from '../events/consumer.ts';
import type { SqlExecutor } from '../events/sql-client.ts';
import { stopOnSignals } from '../process.ts';
import { RedisChannelHub } from '../redis.ts';
import { buildSubgraphServer, databaseAndRedisReadiness, type RequestContext, type RunningServer } from '../server.ts';
import type { SubgraphName } from '@anshim/contracts';
import { attachSubscriptions } from '../subscriptions.ts';
import { openServiceResources, type ServiceDatabase, type ServiceResources } from './service-resources.ts';
import type { SubgraphEnv } from './subgraph-env.ts';

/** Work that runs beside the HTTP server: an event consumer, a job queue (defineJob), a flusher. */
export interface BackgroundWork {
  /** May return a promise (a job registers its scheduler); start awaits it before the next. */
  start(): unknown;
  /** Stops taking work and lets what runs finish. */
  close(): Promise<void>;
}

/** What `resources` (safety's core) is given to open the shared parts itself. */
export interface ResourceParts<E> {
  env: E;
  logger: Logger;
  /** The process' one Redis subscriber for subscriptions; opened on first call, closed on stop. */
  hub(): RedisChannelHub;
}

/** What `compose` is given: the environment, the logger and the opened resources (also spread). */
export type SubgraphParts<N extends SubgraphName, E, R> = R &
  ResourceParts<E> & {
    production: boolean;
    resources: R;
    /** The process' metrics registry (served on the operations port): a service registers its own histograms here. */
    metrics: Metrics;
    /**
     * The subgraph's event consumer on its own database, Redis and logger; its handlers may
     * schedule work for after their transaction commits (pushes, cache writes).
     */
    consume<Tx extends SqlExecutor>(handlers: (hooks: AfterCommitHooks<Tx>) => EventHandlers<N, Tx>): EventConsumer<N, Tx>;
  };

/** The subgraph's own parts, as `compose` returns them. */
export interface SubgraphComposition<C extends RequestContext, X extends object = object> {
  /** Adds the service's loaders and services to each request's context (HTTP and graphql-ws alike). */
  context: (base: RequestContext, headers: IncomingHttpHeaders) => C | Promise<C>;
  /** Extra routes (files, /internal/*, /auth/*), mounted before /graphql behind the signature check. */
  routes?: (app: Express) => void;
  /** Operator-only routes on the operations port. */
  operationsRoutes?: (app: Express) => void;
  /** The event consumer (`parts.consume(handlers)`), if this process consumes events. */
  consumer?: BackgroundWork;
  /** Job queues, sweeps and flushers: started in this order after the consumer, closed after it. */
  jobs?: BackgroundWork[];
  /** Other things the service opened (delivery, clients): closed after the jobs, before the relay. */
  closing?: Array<() => unknown>;
  /** Runs first on start, before the relay (the user service's bootstrap admin). */
  prepare?: () => Promise<void>;
  /** Called once the port is known (links a service signs point at the real port). */
  onListening?: (running: RunningServer, host: string) => void;
  /** Extra fields of the `listening` log line (which delivery or storage the process uses). */
  listeningDetails?: Record<string, unknown>;
  /** Returned on the server beside env, logger and prisma: what tests reach for. */
  expose?: X;
}

interface DefinitionBase<N extends SubgraphName, E extends SubgraphEnv<N>, R, C extends RequestContext, X extends object> {
  name: N;
  /** The parsed environment (load<Name>Env(overrides)); ports and hosts are read by the subgraph's name. */
  env: E;
  /** The subgraph's schema.graphql: `new URL('../schema.graphql', import.meta.url)`. */
  schema: URL;
  /** Codegen-typed resolvers; `buildSubgraphSchema` checks their shape at start. */
  resolvers: object;
  /** Serve the schema over graphql-ws on /graphql too (Subscription fields). */
  subscriptions?: boolean;
  /** Default: a logger named after the subgraph at env.LOG_LEVEL (tests may pass one to read it). */
  logger?: Logger;
  compose: (parts: SubgraphParts<N, E, R>) => SubgraphComposition<C, X> | Promise<SubgraphComposition<C, X>>;
}

/** The usual case: the kit opens Prisma (from `database`), Redis and the relay. */
export interface SubgraphDefinition<N extends SubgraphName, E extends SubgraphEnv<N>, Db extends ServiceDatabase, C extends RequestContext, X extends object>
  extends DefinitionBase<N, E, ServiceResources<Db>, C, X> {
  /** The subgraph's createDatabase, given env.DATABASE_URL. */
  database: (databaseUrl: string) => Db;
}

/** A service whose processes share a core that opens the resources itself (openServiceResources inside). */
export interface SubgraphDefinitionWithResources<N extends SubgraphName, E extends SubgraphEnv<N>, R extends ServiceResources, C extends RequestContext, X extends object>
  extends DefinitionBase<N, E, R, C, X> {
  resources: (parts: ResourceParts<E>) => R;
}

export type SubgraphServer<E, Db, X extends object = object> = X & {
  env: E;
  logger: Logger;
  prisma: Db;
  /** Starts the relay, the consumer and the jobs, then listens (defaults: `<NAME>_PORT`, `<NAME>_HOST`). */
  start(port?: number, host?: string): Promise<RunningServer>;
  /** Drains HTTP and sockets, then closes consumer, jobs, relay, Redis and Prisma. */
  stop(): Promise<void>;
};

export function defineSubgraph<N extends SubgraphName, E extends SubgraphEnv<N>, Db extends ServiceDatabase, C extends RequestContext, X extends object = object>(
  definition: SubgraphDefinition<N, E, Db, C, X>,
): Promise<SubgraphServer<E, Db, X>>;
export function defineSubgraph<N extends SubgraphName, E extends SubgraphEnv<N>, R extends ServiceResources, C extends RequestContext, X extends object = object>(
  definition: SubgraphDefinitionWithResources<N, E, R, C, X>,
): Promise<SubgraphServer<E, R['prisma'], X>>;
export async function defineSubgraph(
  definition: SubgraphDefinition<SubgraphName, SubgraphEnv<SubgraphName>, ServiceDatabase, RequestContext, object> | SubgraphDefinitionWithResources<SubgraphName, SubgraphEnv<SubgraphName>, ServiceResources, RequestContext, object>,
): Promise<SubgraphServer<SubgraphEnv<SubgraphName>, ServiceDatabase>> {
  const { name, env } = definition;
  const listen = listenSettings(name, env);
  const production = env.NODE_ENV === 'production';
  const logger = definition.logger ?? createLogger(name, env.LOG_LEVEL);
  // Before compose: the consumer and the jobs it defines read the schedule when they start.
  configureRetrySchedule(retryScheduleFromEnv(env));
  let hub: RedisChannelHub | undefined;
  const openHub = () => (hub ??= new RedisChannelHub({ url: env.REDIS_URL, prefix: env.REDIS_PREFIX }, logger));
  const resources =
    'resources' in definition
      ? definition.resources({ env, logger, hub: openHub })
      : openServiceResources({ service: name, prisma: definition.database(env.DATABASE_URL), redis: { url: env.REDIS_URL, prefix: env.REDIS_PREFIX }, logger });
  const consume = <Tx extends SqlExecutor>(handlers: (hooks: AfterCommitHooks<Tx>) => EventHandlers<SubgraphName, Tx>) =>
    consumerWithAfterCommit<SubgraphName, Tx>({ service: name, prisma: resources.prisma as never, redis: resources.redisSettings, logger, handlers });
  const metrics = createMetrics(name);
  installQueueMetrics(metrics.registry);
  installOutboxMetrics(metrics.registry, resources.prisma);
  installEntityInvalidationMetrics(metrics.registry);
  const own = await definition.compose({ ...resources, resources, env, logger, production, metrics, hub: openHub, consume });
  // Its queue receives every type CONSUMED_EVENTS lists for it: each must have a handler here.
  const unhandled = own.consumer instanceof EventConsumer ? unhandledConsumedEvents(name, own.consumer.handledTypes()) : [];
  if (unhandled.length > 0) {
    await own.consumer?.close();
    await resources.close();
    throw new Error(`${name}: CONSUMED_EVENTS (@anshim/contracts) lists ${unhandled.join(', ')} for it, but its consumer has no handler: remove them there or handle them`);
  }
  const jobs = own.jobs ?? [];

  const server = await buildSubgraphServer({
    name,
    operations: { port: listen.opsPort, host: env.OPS_HOST, routes: own.operationsRoutes },
    typeDefs: parse(readFileSync(definition.schema, 'utf8')),
    resolvers: definition.resolvers,
    production,
    internalSecret: env.INTERNAL_SECRET,
    logger,
    metrics,
    leanPath: env.SUBGRAPH_LEAN_PATH,
    buildContext: own.context,
    readiness: databaseAndRedisReadiness(resources.prisma, resources.redis),
    routes: own.routes,
    attach: definition.subscriptions ? attachSubscriptions({ subgraph: name, internalSecret: env.INTERNAL_SECRET, logger, buildContext: own.context, production }) : undefined,
    onStop: async () => {
      await own.consumer?.close();
      for (const job of jobs) await job.close();
      for (const close of own.closing ?? []) await close();
      await hub?.close();
      await resources.close();
    },
  });

  return {
    ...own.expose,
    env,
    logger,
    prisma: resources.prisma,
    async start(port = listen.port, host = listen.host) {
      await own.prepare?.();
      resources.relay.start();
      own.consumer?.start();
      for (const job of jobs) await job.start();
      const running = await server.start(port, host);
      own.onListening?.(running, host);
      // `listening` with the port is what npm start and the e2e harness wait for.
      logger.info({ url: running.url, port: running.port, operationsUrl: running.operationsUrl, ...own.listeningDetails }, 'listening');
      return running;
    },
    stop: () => server.stop(),
  };
}

/** `<NAME>_PORT`, `<NAME>_OPS_PORT` and `<NAME>_HOST` of the subgraph (subgraphEnvShape names them). */
function listenSettings(name: SubgraphName, env: SubgraphEnv<SubgraphName>): { port: number; opsPort: number; host: string } {
  const upper = name.toUpperCase() as Uppercase<SubgraphName>;
  const settings = env as unknown as Record<string, unknown>;
  return { port: settings[`${upper}_PORT`] as number, opsPort: settings[`${upper}_OPS_PORT`] as number, host: settings[`${upper}_HOST`] as string };
}

/** A subgraph's index.ts, the only code that listens: build, start, and drain once on SIGTERM/SIGINT. */
export async function runSubgraph(build: () => Promise<{ logger: Logger; start(): Promise<unknown>; stop(): Promise<void> }>): Promise<void> {
  const server = await build();
  await server.start();
  stopOnSignals(() => server.stop(), server.logger);
}
