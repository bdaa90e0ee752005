// The fixed-window counters on real Redis: a take of several hits (an ADMIN's page of audited
// conversation reads) is counted whole or not at all, across every window of the take, and one
// bigger than a window's limit is refused without counting anything.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { giveBackToWindows, takeFromWindows } from '../../src/kit/fixed-windows.ts';
import { createRedis } from '../../src/redis.ts';

const redis = createRedis({ url: inject('redisUrl'), prefix: `${inject('redisPrefix')}_fw_${randomBytes(4).toString('hex')}` });
afterAll(() => redis.quit());

const key = () => `fw:${randomBytes(4).toString('hex')}`;

describe('takeFromWindows', () => {
  it('counts one hit by default and refuses at the limit with the seconds left', async () => {
    const k = key();
    for (let i = 0; i < 3; i += 1) expect(await takeFromWindows(redis, [{ key: k, limit: 3, seconds: 60 }])).toBe(0);
    const retry = await takeFromWindows(redis, [{ key: k, limit: 3, seconds: 60 }]);
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    expect(await redis.get(k)).toBe('3');
  });

  it('counts several hits at once, refusing a take that would pass the limit whole', async () => {
    const k = key();
    expect(await takeFromWindows(redis, [{ key: k, limit: 5, seconds: 60, hits: 3 }])).toBe(0);
    expect(await takeFromWindows(redis, [{ key: k, limit: 5, seconds: 60, hits: 3 }])).toBeGreaterThan(0); // 3 + 3 > 5
    expect(await redis.get(k)).toBe('3');
    expect(await takeFromWindows(redis, [{ key: k, limit: 5, seconds: 60, hits: 2 }])).toBe(0); // exactly 5
    expect(await redis.get(k)).toBe('5');
    expect(await redis.ttl(k)).toBeGreaterThan(0);
  });

  it('counts in every window or in none, and refuses a take bigger than a limit without counting', async () => {
    const [a, b] = [key(), key()];
    expect(await takeFromWindows(redis, [{ key: a, limit: 10, seconds: 60 }, { key: b, limit: 2, seconds: 60, hits: 2 }])).toBe(0);
    expect(await takeFromWindows(redis, [{ key: a, limit: 10, seconds: 60 }, { key: b, limit: 2, seconds: 60 }])).toBeGreaterThan(0);
    expect([await redis.get(a), await redis.get(b)]).toEqual(['1', '2']);
    const fresh = key();
    expect(await takeFromWindows(redis, [{ key: fresh, limit: 2, seconds: 60, hits: 3 }])).toBe(60);
    expect(await redis.exists(fresh)).toBe(0);
    await giveBackToWindows(redis, [a]);
    expect(await redis.get(a)).toBe('0');
  });
});
