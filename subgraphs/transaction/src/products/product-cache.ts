// Cache-aside in Redis for product detail, listing pages and the popular list (ARCHITECTURE §5,
// 30 min). Listing keys carry a generation number: any write that can change a listing (this
// service's own writes, a seller's grade change) bumps it, which retires every cached page at
// once without scanning keys. Redis trouble never fails a request: it falls back to PostgreSQL.
import { createHash } from 'node:crypto';
import type { Logger, Redis } from '@anshim/platform';

const GENERATION_KEY = 'txn:list:gen';

export class ProductCache {
  constructor(
    private readonly redis: Redis,
    private readonly options: { ttlSeconds: number; enabled: boolean; logger: Logger },
  ) {}

  async detail<T>(id: string, load: () => Promise<T | null>, revive: (raw: T) => T): Promise<T | null> {
    return this.through(`txn:product:${id}`, load, revive);
  }

  /** A listing page (or the popular list) for `query`, cached under the current generation. */
  async listing<T>(kind: string, query: unknown, load: () => Promise<T>, revive: (raw: T) => T): Promise<T> {
    if (!this.options.enabled) return load();
    const generation = await this.safely(() => this.redis.get(GENERATION_KEY));
    if (generation === undefined) return load();
    const digest = createHash('sha1').update(JSON.stringify(query)).digest('base64url');
    return (await this.through(`txn:${kind}:${generation ?? '0'}:${digest}`, load, revive)) as T;
  }

  /** After a product write: its detail entry goes, and every listing page with it. */
  async productChanged(id: string): Promise<void> {
    await this.safely(() => this.redis.multi().del(`txn:product:${id}`).incr(GENERATION_KEY).exec());
  }

  /** After a seller's grade changed: listings filter and sort by it; details do not show it. */
  async listingsChanged(): Promise<void> {
    await this.safely(() => this.redis.incr(GENERATION_KEY));
  }

  private async through<T>(key: string, load: () => Promise<T | null>, revive: (raw: T) => T): Promise<T | null> {
    if (!this.options.enabled) return load();
    const cached = await this.safely(() => this.redis.get(key));
    if (cached) return revive(JSON.parse(cached) as T);
    const value = await load();
    if (value !== null && cached !== undefined) {
      void this.safely(() => this.redis.set(key, JSON.stringify(value), 'EX', this.options.ttlSeconds));
    }
    return value;
  }

  /** undefined when Redis failed (logged), so callers can tell "miss" from "down". */
  private async safely<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      this.options.logger.warn({ err: error }, 'product cache unavailable; using the database');
      return undefined;
    }
  }
}
