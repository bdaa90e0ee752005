// Redis sliding windows: one sorted set per (window, key), members scored by time. Adding and
// counting is one MULTI, so concurrent writers never see a half-trimmed window. Members are
// distinct things (a product, an account, a reporter), so repeats do not inflate the count.
// A weighted window also keeps each member's weight (a reporter's, reporter-trust.ts) beside it.
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

  /**
   * Adds `member` with `weight` (a repeat replaces its weight) and returns every member still in
   * the window with its weight. The two keys share a hash tag, so the MULTI also works on a cluster.
   */
  async addWeighted(window: string, key: string, member: string, weight: number, windowSeconds: number, at: Date): Promise<Array<{ member: string; weight: number }>> {
    const members = `monitor:win:{${window}:${key}}`;
    const weights = `${members}:weights`;
    const now = at.getTime();
    const results = await this.redis
      .multi()
      .zadd(members, now, member)
      .hset(weights, member, String(weight))
      .zremrangebyscore(members, '-inf', now - windowSeconds * 1000)
      .zrange(members, '0', '-1')
      .hgetall(weights)
      .pexpire(members, windowSeconds * 1000)
      .pexpire(weights, windowSeconds * 1000)
      .exec();
    const inWindow = (results?.[3]?.[1] ?? []) as string[];
    const known = (results?.[4]?.[1] ?? {}) as Record<string, string>;
    return inWindow.map((m) => ({ member: m, weight: Number(known[m] ?? 0) }));
  }

  /** How many distinct members the window holds at `at`, adding nothing. */
  async count(window: string, key: string, windowSeconds: number, at: Date): Promise<number> {
    const now = at.getTime();
    return this.redis.zcount(`monitor:win:${window}:${key}`, now - windowSeconds * 1000 + 1, '+inf');
  }
}
