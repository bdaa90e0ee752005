// Builds the safety subgraph (does not listen) on the kit's defineSubgraph, which owns the logger,
// the Redis subscriber and graphql-ws for `mySafetyScore` on /graphql, the Apollo subgraph, and the
// start and stop order. The resources come from the core every safety process shares (Prisma, Redis,
// the outbox relay for the admin's recalculation, the services); events and jobs run in the worker
// process (workers/), not here. index.ts and tests call start/stop.
import { defineSubgraph, type SubgraphServer } from '@anshim/platform';
import { safetyContextBuilder } from './context.ts';
import type { SafetyPrisma } from './database.ts';
import { loadSafetyEnv, type SafetyEnv } from './env.ts';
import { resolvers } from './resolvers/index.ts';
import { buildSafetyCore, type SafetyCore } from './safety-core.ts';

export type SafetyServer = SubgraphServer<SafetyEnv, SafetyPrisma, { core: SafetyCore }>;

/** Builds everything from the environment plus `overrides` (tests pass a database, prefix, port 0). */
export async function buildSafetyServer(overrides: Record<string, string | undefined> = {}): Promise<SafetyServer> {
  return defineSubgraph({
    name: 'safety',
    env: loadSafetyEnv(overrides),
    schema: new URL('../schema.graphql', import.meta.url),
    resolvers,
    subscriptions: true,
    resources: ({ env, logger, hub }) => buildSafetyCore(env, logger, { hub: hub() }),
    compose: ({ resources: core }) => ({ context: safetyContextBuilder(core), expose: { core } }),
  });
}
