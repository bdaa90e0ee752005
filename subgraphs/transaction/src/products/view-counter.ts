// Product views feed popularProducts. Counting them with an UPDATE per page view would turn
// every read into a write, so views are buffered in a Redis hash (write-behind) and added to
// PostgreSQL in one statement every few seconds.
import { randomUUID } from 'node:crypto';
import type { Logger, Redis } from '@anshim/platform';
import type { ProductRepository } from './product-repository.ts';

const BUFFER_KEY = 'txn:views';

export class ViewCounter {
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly products: ProductRepository,
    private readonly logger: Logger,
    private readonly flushEveryMs: number,
  ) {}

  /** Fire and forget: a lost view is not worth a failed request. */
  record(productId: string): void {
    this.redis.hincrby(BUFFER_KEY, productId, 1).catch(() => undefined);
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.flushEveryMs);
    this.timer.unref();
  }

  /** Stops the timer and adds what is still buffered. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Moves the buffer aside atomically (RENAME), then adds it up in PostgreSQL. */
  flush(): Promise<void> {
    this.flushing ??= (async () => {
      const batchKey = `${BUFFER_KEY}:flushing:${randomUUID()}`;
      try {
        const moved = await this.redis.renamenx(BUFFER_KEY, batchKey).catch(() => 0);
        if (!moved) return;
        const counts = await this.redis.hgetall(batchKey);
        await this.products.addViews(new Map(Object.entries(counts).map(([id, n]) => [id, Number(n)])));
        await this.redis.del(batchKey);
      } catch (error) {
        this.logger.warn({ err: error }, 'could not flush product views');
      }
    })().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }
}
