// The parts every safety process shares (subgraph, workers, command-line tools): Prisma, Redis,
// repositories, the cache, the recalculator, the outbox relay and the service, wired once.
import { createRedis, type Logger, type Redis, type RedisChannelHub, type RedisSettings } from '@anshim/platform';
import { OutboxRelay } from '@anshim/platform/events/relay';
import { AuditRepository } from './audit-repository.ts';
import { createDatabase, type SafetyPrisma } from './database.ts';
import type { SafetyEnv } from './env.ts';
import { InputsRepository } from './inputs-repository.ts';
import { ProductRepository } from './product-repository.ts';
import { SafetyService } from './safety-service.ts';
import { ScoreCache } from './score-cache.ts';
import { ScoreRecalculator, type Recalculated } from './score-recalculator.ts';
import { ScoreRepository } from './score-repository.ts';
import { SafetySql } from './sql-client.ts';

export interface SafetyCore {
  prisma: SafetyPrisma;
  /** Raw SQL on plain pg: event handling, recalculation, the batch (see sql-client.ts). */
  sql: SafetySql;
  redis: Redis;
  redisSettings: RedisSettings;
  relay: OutboxRelay;
  inputs: InputsRepository;
  scores: ScoreRepository;
  cache: ScoreCache;
  recalculator: ScoreRecalculator;
  service: SafetyService;
  /** After recalculations committed: write-through cache, push to channels, publish the outbox. */
  published(results: Recalculated[]): Promise<void>;
  close(): Promise<void>;
}

export interface CoreOptions {
  hub?: RedisChannelHub;
  /** Connections of the raw-SQL pool (the workers want one per concurrent event). */
  poolSize?: number;
  /** Extra work after each committed recalculation (the workers schedule expiry rechecks). */
  onPublished?: (results: Recalculated[]) => Promise<void>;
}

export function buildSafetyCore(env: SafetyEnv, logger: Logger, options: CoreOptions = {}): SafetyCore {
  const prisma = createDatabase({ databaseUrl: env.DATABASE_URL, poolSize: 4 });
  const sql = new SafetySql({ databaseUrl: env.DATABASE_URL, poolSize: options.poolSize });
  const redisSettings: RedisSettings = { url: env.REDIS_URL, prefix: env.REDIS_PREFIX };
  const redis = createRedis(redisSettings);
  // On the plain-pg client like the rest of the hot path: the worker runs a pass after nearly every
  // event, and Prisma's interactive transaction costs about twice as much per statement (sql-client.ts).
  const relay = new OutboxRelay({ prisma: sql, service: 'safety', redis: redisSettings, logger });
  const inputs = new InputsRepository();
  const scores = new ScoreRepository(prisma);
  const cache = new ScoreCache(redis, redisSettings, env.SAFETY_CACHE_TTL_SECONDS, logger);
  const recalculator = new ScoreRecalculator({ inputs, scores });
  const published = async (results: Recalculated[]) => {
    if (results.length === 0) return;
    await cache.publish(results.map((r) => r.record));
    relay.nudge();
    await options.onPublished?.(results);
  };
  const service = new SafetyService({
    prisma,
    sql,
    scores,
    inputs,
    products: new ProductRepository(prisma),
    cache,
    recalculator,
    audit: new AuditRepository(),
    published,
    logger,
    hub: options.hub,
  });
  return {
    prisma,
    sql,
    redis,
    redisSettings,
    relay,
    inputs,
    scores,
    cache,
    recalculator,
    service,
    published,
    async close() {
      await relay.stop();
      await Promise.allSettled([redis.quit(), prisma.$disconnect(), sql.end()]);
    },
  };
}
