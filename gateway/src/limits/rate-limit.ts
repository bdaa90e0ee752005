import { randomBytes } from 'node:crypto';
import type { Redis } from '@anshim/platform';

/** One sliding window: at most `max` hits within any `windowSeconds`. */
export interface RateWindow {
  max: number;
  windowSeconds: number;
}

/** One counter an operation is charged to: a Redis key, its window and how many hits it adds. */
export interface RateCharge extends RateWindow {
  key: string;
  hits: number;
}

export type RateVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number; key: string };

/**
 * Sliding-window log in sorted sets (score = time in ms), checked and charged atomically for
 * every key of an operation at once: either all counters take the hits or none does, so a
 * refused request costs nothing. Time is Redis' clock, shared by every gateway.
 * KEYS: the counters. ARGV: member prefix, then per key: window ms, max, hits.
 * Returns 0 when allowed, else `<ms to wait>` and the 1-based index of the key that refused.
 */
const SLIDING_WINDOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait, refusing = 0, 0
for i, key in ipairs(KEYS) do
  local window, max, hits = tonumber(ARGV[3 * i - 1]), tonumber(ARGV[3 * i]), tonumber(ARGV[3 * i + 1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count + hits > max then
    local ms = window
    local freeing = count + hits - max
    if freeing <= count then
      local entry = redis.call('ZRANGE', key, freeing - 1, freeing - 1, 'WITHSCORES')
      ms = tonumber(entry[2]) + window - now
    end
    if ms > wait then wait, refusing = ms, i end
  end
end
if refusing > 0 then return { math.max(wait, 1), refusing } end
for i, key in ipairs(KEYS) do
  local window, hits = tonumber(ARGV[3 * i - 1]), tonumber(ARGV[3 * i + 1])
  for h = 1, hits do redis.call('ZADD', key, now, ARGV[1] .. ':' .. h) end
  redis.call('PEXPIRE', key, window)
end
return 0
`;

type SlidingWindowRedis = Redis & {
  anshimSlidingWindow(numberOfKeys: number, ...args: Array<string | number>): Promise<0 | [number, number]>;
};

/** Redis-backed rate limiter over sliding windows (ioredis prefixes the keys). */
export class SlidingWindowRateLimiter {
  private readonly redis: SlidingWindowRedis;

  constructor(redis: Redis) {
    if (!('anshimSlidingWindow' in redis)) redis.defineCommand('anshimSlidingWindow', { lua: SLIDING_WINDOW });
    this.redis = redis as SlidingWindowRedis;
  }

  /** Charges every counter or, when one is full, none; says how long until that one has room. */
  async charge(charges: readonly RateCharge[]): Promise<RateVerdict> {
    const active = charges.filter((charge) => charge.hits > 0);
    if (active.length === 0) return { allowed: true };
    const member = `${Date.now()}-${randomBytes(6).toString('hex')}`;
    const args = active.flatMap((charge) => [charge.windowSeconds * 1_000, charge.max, charge.hits]);
    const result = await this.redis.anshimSlidingWindow(active.length, ...active.map((charge) => charge.key), member, ...args);
    if (result === 0) return { allowed: true };
    const [waitMs, index] = result;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1_000)), key: active[index - 1]!.key };
  }
}
