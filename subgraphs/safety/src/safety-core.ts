// The parts every safety process shares (subgraph, workers, command-line tools), wired once: the
// kit's service resources (Prisma, Redis, the outbox relay: openServiceResources), the plain-pg SQL
// client, the copies and repositories, the cache, the recalculator and the services.
import { EntityInvalidator, openServiceResources, type Logger, type RedisChannelHub, type ServiceResources } from '@anshim/platform';
import { entityVersionKey } from '@anshim/contracts';
import { categoryVersionKey } from './listings/listing-service.ts';
import { AuditRepository } from './audit/audit-repository.ts';
import { InputsReader } from './copies/inputs-reader.ts';
import { createCopies, type SafetyCopies } from './copies/safety-copies.ts';
import { DashboardService } from './dashboard/dashboard-service.ts';
import { createDatabase, type SafetyPrisma } from './database.ts';
import type { SafetyEnv } from './env.ts';
import { ListingService } from './listings/listing-service.ts';
import { ScoreCache } from './score/score-cache.ts';
import { ScoreLookup } from './score/score-lookup.ts';
import { ScoreRecalculator, type Recalculated } from './score/score-recalculator.ts';
import { ScoreRepository } from './score/score-repository.ts';
import { ScoreService } from './score/score-service.ts';
import { SafetySql } from './sql-client.ts';

/** What the resolvers reach through the request context. */
export interface SafetyServices {
  score: ScoreService;
  listings: ListingService;
  dashboard: DashboardService;
}

/** The kit's service resources (Prisma, Redis, the outbox relay), plus safety's own shared parts. */
export interface SafetyCore extends ServiceResources<SafetyPrisma> {
  /** Raw SQL on plain pg: event handling, recalculation, the batch (see sql-client.ts). */
  sql: SafetySql;
  /** The projections of other services' data, one repository per input kind. */
  copies: SafetyCopies;
  /** Reads the copies back for a recalculation. */
  inputs: InputsReader;
  scores: ScoreRepository;
  cache: ScoreCache;
  /** Cache → PostgreSQL → computed starting score: what the per-request score loader calls. */
  lookup: ScoreLookup;
  recalculator: ScoreRecalculator;
  services: SafetyServices;
  /** After recalculations committed: write-through cache, push to channels, publish the outbox. */
  published(results: Recalculated[]): Promise<void>;
  /**
   * After product copies changed (committed): Product.sellerSafety of those products and of every listing
   * priced against their categories' median is stale in the gateway's entity cache (docs/caching.md).
   */
  productCopiesChanged(products: ReadonlyArray<{ productId: string; category: string }>): Promise<void>;
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
  const resources = openServiceResources({
    service: 'safety',
    prisma,
    redis: { url: env.REDIS_URL, prefix: env.REDIS_PREFIX },
    logger,
    // On the plain-pg client like the rest of the hot path: the worker runs a pass after nearly every
    // event, and Prisma's interactive transaction costs about twice as much per statement (sql-client.ts).
    outbox: sql,
  });
  const { redis, redisSettings } = resources;
  const copies = createCopies(sql);
  const inputs = new InputsReader();
  const scores = new ScoreRepository(prisma, sql);
  const cache = new ScoreCache(redis, redisSettings, env.SAFETY_CACHE_TTL_SECONDS, logger);
  const lookup = new ScoreLookup({ cache, scores, inputs, sql });
  const recalculator = new ScoreRecalculator({ inputs, scores });
  // The gateway's entity cache (docs/caching.md): every stored score moves the cached safety fields (a new
  // version at least), with or without a score_changed event, so each write bumps the user's version,
  // after the score cache holds the new record (no refill can fetch the old one).
  const invalidator = new EntityInvalidator(() => redis, logger, 0);
  const published = async (results: Recalculated[]) => {
    if (results.length === 0) return;
    await cache.publish(results.map((r) => r.record));
    await invalidator.bump(results.map((r) => entityVersionKey('safety', 'User', r.record.userId)));
    resources.afterCommit();
    await options.onPublished?.(results);
  };
  // A second bump a second later (the relays' settle): nothing here fills a read cache after the commit,
  // but it costs two SETs and bounds any refill raced between the commit and the first bump.
  const listings = new EntityInvalidator(() => redis, logger);
  const productCopiesChanged = async (products: ReadonlyArray<{ productId: string; category: string }>) => {
    const keys = new Set<string>();
    for (const { productId, category } of products) {
      keys.add(entityVersionKey('safety', 'Product', productId));
      keys.add(categoryVersionKey(category));
    }
    await listings.bump([...keys]);
  };
  const services: SafetyServices = {
    score: new ScoreService({ sql, scores, recalculator, audit: new AuditRepository(), published, logger, hub: options.hub }),
    listings: new ListingService(),
    dashboard: new DashboardService({ scores }),
  };
  return {
    ...resources,
    sql,
    copies,
    inputs,
    scores,
    cache,
    lookup,
    recalculator,
    services,
    published,
    productCopiesChanged,
    async close() {
      listings.stop();
      await resources.close();
      await sql.end();
    },
  };
}
