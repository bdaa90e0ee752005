// The sliding-window limiter on real Redis: atomic under concurrency, all-or-nothing across keys.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedis } from '@anshim/platform';
import { SlidingWindowRateLimiter } from '../src/limits/rate-limit.ts';

const prefix = `anshim_test_rl_${randomBytes(4).toString('hex')}`;
const redis = createRedis({ url: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0', prefix });
const limiter = new SlidingWindowRateLimiter(redis);
const key = () => `rl:test:${randomBytes(4).toString('hex')}`;

afterAll(async () => {
  const keys = await redis.keys('*');
  if (keys.length) await redis.del(...keys.map((k) => k.slice(`${prefix}:`.length)));
  redis.disconnect();
});

describe('SlidingWindowRateLimiter', () => {
  it('lets exactly max of many concurrent hits through and says when the window has room', async () => {
    const counter = key();
    const verdicts = await Promise.all(Array.from({ length: 40 }, () => limiter.charge([{ key: counter, hits: 1, max: 10, windowSeconds: 60 }])));
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(10);
    for (const verdict of verdicts.filter((v) => !v.allowed)) {
      expect(verdict).toMatchObject({ allowed: false, key: counter });
      const wait = (verdict as { retryAfterSeconds: number }).retryAfterSeconds;
      expect(wait).toBeGreaterThanOrEqual(59);
      expect(wait).toBeLessThanOrEqual(60);
    }
    expect(await redis.zcard(counter)).toBe(10); // refusals were not recorded
  });

  it('charges all counters or none', async () => {
    const roomy = key();
    const full = key();
    expect((await limiter.charge([{ key: full, hits: 2, max: 2, windowSeconds: 60 }])).allowed).toBe(true);
    const verdict = await limiter.charge([
      { key: roomy, hits: 1, max: 100, windowSeconds: 60 },
      { key: full, hits: 1, max: 2, windowSeconds: 60 },
    ]);
    expect(verdict).toMatchObject({ allowed: false, key: full });
    expect(await redis.zcard(roomy)).toBe(0);
  });

  it('frees the window as old hits slide out', async () => {
    const counter = key();
    expect((await limiter.charge([{ key: counter, hits: 1, max: 1, windowSeconds: 1 }])).allowed).toBe(true);
    expect((await limiter.charge([{ key: counter, hits: 1, max: 1, windowSeconds: 1 }])).allowed).toBe(false);
    // Wait on Redis' own expiry of the key (the window's end), not on a guessed sleep.
    const deadline = Date.now() + 5_000;
    while ((await redis.exists(counter)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await limiter.charge([{ key: counter, hits: 1, max: 1, windowSeconds: 1 }])).allowed).toBe(true);
  });
});
