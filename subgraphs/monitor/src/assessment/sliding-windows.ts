// Redis sliding windows: one sorted set per (window, key), members scored by when they happened
// (the event's occurredAt, never when it arrived). Adding and reading is one MULTI, so concurrent
// writers never see a half-trimmed window. Members are distinct things (a product, an account, a
// reporter), so repeats do not inflate the count, and a member keeps its latest time (ZADD GT): a
// late event never moves it back. A weighted window also keeps each member's weight beside it.
//
// Events arrive out of order (two topics, retries, a consumer catching up). The count for an event
// at `at` is that of the busiest window of the given length that contains `at` (windowAround):
// members handled earlier but dated later than `at` count only when they fall in such a window with
// it, so a late event is judged by its own time, not by everything that arrived before it. Members
// are kept for two window lengths behind the newest event, so one up to a window late still finds
// the members dated before it.
import type { Redis } from '@anshim/platform';

export interface Dated {
  member: string;
  at: number;
}

/**
 * The members of the window of `windowMs` (an interval (end − windowMs, end]) that contains `at`
 * and scores highest by `score` (default: how many), counting `member` (this activity) at `at`.
 */
export function windowAround<T extends Dated>(entries: readonly T[], member: string | null, at: number, windowMs: number, score: (inWindow: T[]) => number = (inWindow) => inWindow.length): T[] {
  const dated = entries.map((entry) => (entry.member === member ? { ...entry, at } : entry));
  // Windows containing `at` end in [at, at + windowMs); the best ends at `at` or at some member's time.
  const ends = [at, ...dated.map((entry) => entry.at).filter((time) => time > at && time < at + windowMs)];
  let best: T[] = [];
  let bestScore = -Infinity;
  for (const end of ends) {
    const inWindow = dated.filter((entry) => entry.at > end - windowMs && entry.at <= end);
    const value = score(inWindow);
    if (value > bestScore) [best, bestScore] = [inWindow, value];
  }
  return best;
}

function pairs(flat: readonly string[]): Dated[] {
  const out: Dated[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ member: flat[i]!, at: Number(flat[i + 1]) });
  return out;
}

export class SlidingWindows {
  constructor(private readonly redis: Redis) {}

  /** Adds `member` at `at` and returns how many distinct members the busiest window containing `at` holds. */
  async addAndCount(window: string, key: string, member: string, windowSeconds: number, at: Date): Promise<number> {
    const redisKey = `monitor:win:${window}:${key}`;
    const now = at.getTime();
    const windowMs = windowSeconds * 1000;
    const results = await this.redis
      .multi()
      .zadd(redisKey, 'GT', now, member)
      .zremrangebyscore(redisKey, '-inf', now - 2 * windowMs)
      .zrangebyscore(redisKey, `(${now - windowMs}`, `(${now + windowMs}`, 'WITHSCORES')
      .pexpire(redisKey, 2 * windowMs)
      .exec();
    return windowAround(pairs((results?.[2]?.[1] ?? []) as string[]), member, now, windowMs).length;
  }

  /**
   * Adds `member` with `weight` (a repeat replaces its weight) and returns the members of the window
   * containing `at` that weighs most by `combine`, with their weights. The two keys share a hash
   * tag, so the MULTI also works on a cluster.
   */
  async addWeighted(
    window: string,
    key: string,
    member: string,
    weight: number,
    windowSeconds: number,
    at: Date,
    combine: (inWindow: Array<{ member: string; weight: number }>) => number,
  ): Promise<Array<{ member: string; weight: number }>> {
    const members = `monitor:win:{${window}:${key}}`;
    const weights = `${members}:weights`;
    const now = at.getTime();
    const windowMs = windowSeconds * 1000;
    const results = await this.redis
      .multi()
      .zadd(members, 'GT', now, member)
      .hset(weights, member, String(weight))
      .zremrangebyscore(members, '-inf', now - 2 * windowMs)
      .zrangebyscore(members, `(${now - windowMs}`, `(${now + windowMs}`, 'WITHSCORES')
      .hgetall(weights)
      .pexpire(members, 2 * windowMs)
      .pexpire(weights, 2 * windowMs)
      .exec();
    const known = (results?.[4]?.[1] ?? {}) as Record<string, string>;
    const dated = pairs((results?.[3]?.[1] ?? []) as string[]).map((entry) => ({ ...entry, weight: Number(known[entry.member] ?? 0) }));
    return windowAround(dated, member, now, windowMs, (inWindow) => combine(inWindow)).map(({ member: m, weight: w }) => ({ member: m, weight: w }));
  }

  /** How many distinct members the busiest window containing `at` holds, adding nothing. */
  async count(window: string, key: string, windowSeconds: number, at: Date): Promise<number> {
    const now = at.getTime();
    const windowMs = windowSeconds * 1000;
    const flat = await this.redis.zrangebyscore(`monitor:win:${window}:${key}`, `(${now - windowMs}`, `(${now + windowMs}`, 'WITHSCORES');
    return windowAround(pairs(flat), null, now, windowMs).length;
  }
}
