// Redis sliding windows: one sorted set per (window, key), members scored by time. Adding and
// counting is one MULTI, so concurrent writers never see a half-trimmed window. Members are
// distinct things (a product, an account, a reporter), so repeats do not inflate the count.
import type { Redis } from '@anshim/platform';

export class SlidingWindows {
  constructor(private readonly redis: Redis) {}

  /** Adds `member` at `at` to the window and returns how many distinct members it holds now. */
  async addAndCount(window: string, key: string, member: string, windowSeconds: number, at: Date): Promise<number> {
    const redisKey = `monitor:win:${window}:${key}`;
    const now = at.getTime();
    const results = await this.redis
      .multi()
      .zadd(redisKey, now, member)
      .zremrangebyscore(redisKey, '-inf', now - windowSeconds * 1000)
      .zcard(redisKey)
      .pexpire(redisKey, windowSeconds * 1000)
      .exec();
    const count = results?.[2]?.[1];
    return typeof count === 'number' ? count : 0;
  }
}
