// Builds the safety subgraph (does not listen): configuration, the shared core (Prisma, Redis, the
// outbox relay for the admin's recalculation, the services), the Apollo subgraph on express, and
// graphql-ws for `mySafetyScore` on the same path. index.ts and tests call start/stop.
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import {
  databaseAndRedisReadiness,
  attachSubscriptions,
  buildSubgraphServer,
  createLogger,
  RedisChannelHub,
  type Logger,
  type RunningServer,
} from '@anshim/platform';
import { safetyContextBuilder, type SafetyContext } from './context.ts';
import { loadSafetyEnv, type SafetyEnv } from './env.ts';
import { resolvers } from './resolvers/index.ts';
import { buildSafetyCore, type SafetyCore } from './safety-core.ts';

const typeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

export interface SafetyServer {
  env: SafetyEnv;
  logger: Logger;
  core: SafetyCore;
  start(port?: number, host?: string): Promise<RunningServer>;
  stop(): Promise<void>;
}

/** Builds everything from the environment plus `overrides` (tests pass a database, prefix, port 0). */
export async function buildSafetyServer(overrides: Record<string, string | undefined> = {}): Promise<SafetyServer> {
  const env = loadSafetyEnv(overrides);
  const production = env.NODE_ENV === 'production';
  const logger = createLogger('safety', env.LOG_LEVEL);
  const hub = new RedisChannelHub({ url: env.REDIS_URL, prefix: env.REDIS_PREFIX });
  const core = buildSafetyCore(env, logger, { hub });
  const contextFor = safetyContextBuilder(core);

  const server = await buildSubgraphServer<SafetyContext>({
    name: 'safety',
    operations: { port: env.SAFETY_OPS_PORT, host: env.OPS_HOST },
    typeDefs,
    resolvers,
    production,
    internalSecret: env.INTERNAL_SECRET,
    logger,
    buildContext: contextFor,
    readiness: databaseAndRedisReadiness(core.prisma, core.redis),
    attach: attachSubscriptions<SafetyContext>({ subgraph: 'safety', internalSecret: env.INTERNAL_SECRET, logger, buildContext: contextFor, production }),
    onStop: async () => {
      await hub.close();
      await core.close();
    },
  });

  return {
    env,
    logger,
    core,
    async start(port = env.SAFETY_PORT, host = env.SAFETY_HOST) {
      core.relay.start();
      const running = await server.start(port, host);
      logger.info({ url: running.url, port: running.port, operationsUrl: running.operationsUrl }, 'listening');
      return running;
    },
    stop: () => server.stop(),
  };
}
