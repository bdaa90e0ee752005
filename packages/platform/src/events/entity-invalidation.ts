// The gateway entity cache's invalidation (docs/caching.md): when a relay publishes an event, the
// version of every entity the event changes (as the producing subgraph serves it) gets a fresh value,
// so no cached entry written against the old one is served again. The gateway reads entries and
// versions in one MGET; see gateway/src/upstream/entity-cache.ts.
import { randomUUID } from 'node:crypto';
import { Counter, type Registry } from 'prom-client';
import { entityVersionKeysFor, isEventType, producerOf } from '@anshim/contracts';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import { redisKeyPrefix, type RedisSettings } from '../redis.ts';

/**
 * Versions outlive every entry (30 min at most) so a version key never vanishes under a live entry;
 * a vanished one reads as "no version", which no entry written after an event carries.
 */
export const ENTITY_VERSION_TTL_SECONDS = 2 * 60 * 60;

let bumps = 0;
const installed = new WeakSet<Registry>();

/** anshim_entity_cache_invalidations_total: entity versions this process bumped. */
export function installEntityInvalidationMetrics(registry: Registry): void {
  if (installed.has(registry)) return;
  installed.add(registry);
  new Counter({
    name: 'anshim_entity_cache_invalidations_total',
    help: 'Entity versions bumped for the gateway entity cache by this process\'s outbox relay',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(bumps);
    },
  });
}

/** The version keys (prefixed) the published rows change. */
export function versionKeysOf(rows: ReadonlyArray<{ type: string; envelope: unknown }>, settings: RedisSettings): string[] {
  const prefix = redisKeyPrefix(settings);
  const keys = new Set<string>();
  for (const { type, envelope } of rows) {
    if (!isEventType(type)) continue;
    const data = (envelope as { data?: unknown } | null)?.data;
    for (const key of entityVersionKeysFor(producerOf(type), type, data)) keys.add(`${prefix}${key}`);
  }
  return [...keys];
}

export class EntityInvalidator {
  private readonly timers = new Set<NodeJS.Timeout>();

  /**
   * @param settleMs a second bump this long after the first: a subgraph that fills a read cache of its
   *   own just after its commit (safety's score write-through) could otherwise let a refill in between
   *   the commit and that write keep the old value. 0: no second bump.
   */
  constructor(
    private readonly redis: () => Redis,
    private readonly logger: Logger,
    private readonly settleMs = 1_000,
  ) {}

  /** Never throws: the events are published already, and an entry lives 30 minutes at most anyway. */
  async bump(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.write(keys);
    if (this.settleMs <= 0) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.write(keys);
    }, this.settleMs);
    timer.unref();
    this.timers.add(timer);
  }

  /** Stops the second bumps still waiting (the process is stopping). */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async write(keys: string[]): Promise<void> {
    const token = randomUUID(); // never seen before, so no entry written earlier can match it
    const pipeline = this.redis().pipeline();
    for (const key of keys) pipeline.set(key, token, 'EX', ENTITY_VERSION_TTL_SECONDS);
    try {
      const results = await pipeline.exec();
      const failed = results?.find(([error]) => error)?.[0];
      if (failed) throw failed;
      bumps += keys.length;
    } catch (error) {
      this.logger.warn({ err: error, keys: keys.length }, 'entity cache invalidation failed; entries expire by their TTL');
    }
  }
}
