// Raw activity, written behind: recordActivity pushes to a Redis list (fast, no PostgreSQL on the
// hot path) and a flusher moves it to PostgreSQL in batches, by size or time. Several processes
// may flush at once: LPOP with a count hands each batch to exactly one of them. A batch that
// fails to insert goes back to the list, and inserts skip duplicates, so nothing is lost or doubled.
import type { Logger, Redis } from '@anshim/platform';

export interface BufferedActivity {
  id: string;
  userId: string;
  type: string;
  counterpartId: string | null;
  productId: string | null;
  transactionId: string | null;
  text: string | null;
  deviceId: string | null;
  amount: number | null;
  occurredAt: string;
}

const KEY = 'monitor:activity:buffer';

export interface ActivityBufferOptions {
  redis: Redis;
  logger: Logger;
  batchSize: number;
  flushEveryMs: number;
  insert: (rows: BufferedActivity[]) => Promise<number>;
}

export class ActivityBuffer {
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<number> | undefined;

  constructor(private readonly options: ActivityBufferOptions) {}

  async push(activity: BufferedActivity): Promise<void> {
    const length = await this.options.redis.rpush(KEY, JSON.stringify(activity));
    if (length >= this.options.batchSize) void this.flush();
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.options.flushEveryMs);
    this.timer.unref();
  }

  /** Moves everything buffered to PostgreSQL in batches; returns how many rows were written. */
  flush(): Promise<number> {
    this.flushing ??= this.drain().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async drain(): Promise<number> {
    let written = 0;
    for (;;) {
      const raw = (await this.options.redis.lpop(KEY, this.options.batchSize).catch(() => null)) ?? [];
      if (raw.length === 0) return written;
      const rows = raw.map((line) => JSON.parse(line) as BufferedActivity);
      try {
        written += await this.options.insert(rows);
      } catch (error) {
        this.options.logger.error({ err: error, rows: rows.length }, 'could not flush activity; kept in Redis for the next try');
        await this.options.redis.rpush(KEY, ...raw).catch(() => undefined);
        return written;
      }
      if (raw.length < this.options.batchSize) return written;
    }
  }

  /** Stops the timer and flushes what is left. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush().catch(() => undefined);
  }
}
