import { describe, expect, it } from 'vitest';
import { baseEnvSchema } from '../src/env.ts';
import { clusterAddressOf, isRedisUrl, queuePrefix } from '../src/redis.ts';

describe('Redis Cluster by configuration', () => {
  it('reads the seed nodes and credentials of a redis+cluster:// URL, and nothing from a plain one', () => {
    expect(clusterAddressOf('redis+cluster://10.0.0.1:7000,10.0.0.2:7001,redis-c')).toEqual({
      nodes: [{ host: '10.0.0.1', port: 7000 }, { host: '10.0.0.2', port: 7001 }, { host: 'redis-c', port: 6379 }],
      nodeOptions: { username: undefined, password: undefined, tls: undefined },
    });
    expect(clusterAddressOf('rediss+cluster://anshim:p%40ss@a:7000/')).toMatchObject({ nodes: [{ host: 'a', port: 7000 }], nodeOptions: { username: 'anshim', password: 'p@ss', tls: {} } });
    expect(clusterAddressOf('redis://127.0.0.1:6379/0')).toBeUndefined();
  });

  it('accepts one Redis or a cluster as REDIS_URL and refuses anything else', () => {
    for (const url of ['redis://127.0.0.1:6379/0', 'rediss://u:p@cache:6380', 'redis+cluster://a:7000,b:7001']) expect(isRedisUrl(url), url).toBe(true);
    for (const url of ['http://127.0.0.1:6379', 'redis+cluster://', 'redis+cluster://a:notaport', 'not a url']) expect(isRedisUrl(url), url).toBe(false);
    expect(baseEnvSchema.safeParse({ REDIS_URL: 'redis+cluster://a:7000,b:7001' }).success).toBe(true);
    expect(baseEnvSchema.safeParse({ REDIS_URL: 'postgres://a:5432' }).success).toBe(false);
  });

  it('gives each queue its own hash tag on a cluster, keeps the untagged keys on one Redis, and refuses a tag in the prefix', () => {
    const cluster = 'redis+cluster://a:7000';
    expect(queuePrefix({ url: cluster, prefix: 'anshim' }, 'events.safety')).toBe('anshim:bull:{events.safety}');
    expect(queuePrefix({ url: cluster, prefix: 'anshim' }, 'events.safety.dead')).toBe('anshim:bull:{events.safety.dead}');
    expect(queuePrefix({ url: 'redis://127.0.0.1:6379/0', prefix: 'anshim' }, 'events.safety')).toBe('anshim:bull');
    expect(() => queuePrefix({ url: cluster, prefix: '{anshim}' }, 'events.safety')).toThrow(/brace/);
  });
});
