// A service's Redis client while Redis is away: a command fails within REDIS_COMMAND_TIMEOUT_MS, so
// callers fall back to PostgreSQL (or refuse with "try again") before the gateway's subgraph deadline.
// Without the timeout ioredis holds a command in its offline queue until three reconnect attempts in
// a row fail: 10–15 s once the outage is a few seconds old.
import { afterEach, describe, expect, it } from 'vitest';
import { createRedis, REDIS_COMMAND_TIMEOUT_MS, type Redis } from '../src/redis.ts';
import { freePort as closedPort } from '../../../test/support/free-port.ts'; // nothing listens there: every connection is refused

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let client: Redis | undefined;
afterEach(() => {
  client?.disconnect();
  client = undefined;
});

describe('a service Redis client while Redis is away', () => {
  it('answers commands as usual while Redis is there', async () => {
    client = createRedis({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0', prefix: `anshim_test_outage_${process.pid}` });
    await client.set('k', 'v', 'EX', 10);
    expect(await client.get('k')).toBe('v');
  });

  it('fails a command within the command timeout even when the outage has lasted for seconds', async () => {
    client = createRedis({ url: `redis://127.0.0.1:${await closedPort()}/0`, prefix: 'anshim_test_outage' });
    client.on('error', () => undefined); // each refused attempt; the service logs these
    // Several reconnect attempts in: where ioredis' own wait for a queued command grows to 10–15 s.
    await sleep(4_000);
    const started = performance.now();
    const outcome = await client.get('k').then(() => 'answered', (error: Error) => error.message);
    const waited = performance.now() - started;
    expect(outcome).toMatch(/timed out|max retries/i);
    // A bound, not a speed goal: the timeout plus a busy machine's slack, far below the gateway's 10 s.
    expect(waited).toBeLessThan(REDIS_COMMAND_TIMEOUT_MS + 3_000);
  }, 20_000);
});
