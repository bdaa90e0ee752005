// What every service process opens the same way before its own parts: its Prisma client, one Redis
// client (cache, counters, publishing), and the outbox relay that publishes the events its
// transactions wrote, with the after-commit nudge services call so an event leaves right after
// its commit instead of at the next poll. defineSubgraph opens these for a subgraph; a service
// with several processes (safety: subgraph, workers, command-line tools) opens them in its core.
import { OutboxRelay } from '../events/relay.ts';
import type { TransactionalSqlClient } from '../events/sql-client.ts';
import type { Logger } from '../logger.ts';
import { createRedis, logConnectionState, type Redis, type RedisSettings } from '../redis.ts';
import type { SubgraphName } from '@anshim/contracts';

/** The part of a generated PrismaClient the kit uses (readiness, the relay, closing). */
export interface ServiceDatabase extends TransactionalSqlClient {
  $disconnect(): Promise<void>;
}

export interface ServiceResources<Db extends ServiceDatabase = ServiceDatabase> {
  prisma: Db;
  redis: Redis;
  redisSettings: RedisSettings;
  relay: OutboxRelay;
  /** Give it to services as `afterCommit`: publishes the outbox now rather than at the next poll. */
  afterCommit: () => void;
  /** Stops the relay (after its pass in progress), then closes Redis and Prisma. */
  close(): Promise<void>;
}

export interface ServiceResourceSettings<Db extends ServiceDatabase> {
  service: SubgraphName;
  prisma: Db;
  redis: RedisSettings;
  logger: Logger;
  /** The client the relay claims outbox rows with; default `prisma` (safety uses its plain-pg client). */
  outbox?: TransactionalSqlClient;
}

export function openServiceResources<Db extends ServiceDatabase>(settings: ServiceResourceSettings<Db>): ServiceResources<Db> {
  const { prisma, logger } = settings;
  const redis = createRedis(settings.redis);
  logConnectionState(redis, logger, 'commands');
  const relay = new OutboxRelay({ prisma: settings.outbox ?? prisma, service: settings.service, redis: settings.redis, logger });
  return {
    prisma,
    redis,
    redisSettings: settings.redis,
    relay,
    afterCommit: () => relay.nudge(),
    async close() {
      await relay.stop();
      await Promise.allSettled([redis.quit(), prisma.$disconnect()]);
    },
  };
}
