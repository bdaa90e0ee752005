// A worker told to stop while Redis is away must not hold the process: BullMQ's own close waits for
// a blocking command that never returns (see src/events/worker-close.ts). Redis is reached through a
// proxy whose port is closed, so the shared Redis keeps running for every other test.
import { randomBytes } from 'node:crypto';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { describe, expect, inject, it } from 'vitest';
import { closeWorkerWithin } from '../../src/events/worker-close.ts';
import '../../../../test/support/provided-context.ts';
import { redisBehindProxy } from '../../../../test/support/redis-proxy.ts';

const logger = pino({ level: 'silent' });

function workerOn(url: string) {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  connection.on('error', () => undefined);
  const worker = new Worker(`close-test-${randomBytes(4).toString('hex')}`, async () => undefined, { connection, prefix: inject('redisPrefix') });
  worker.on('error', () => undefined);
  return { worker, connection };
}

describe('closeWorkerWithin', () => {
  it('drains a worker whose Redis is reachable', async () => {
    const { worker, connection } = workerOn(inject('redisUrl'));
    await worker.waitUntilReady();
    expect(await closeWorkerWithin(worker, [connection], logger, 5_000)).toBe('drained');
    connection.disconnect();
  });

  it('stops waiting at the deadline when Redis went away', async () => {
    const proxy = await redisBehindProxy(inject('redisUrl'));
    const { worker, connection } = workerOn(proxy.url);
    await worker.waitUntilReady();
    await proxy.close();
    const started = Date.now();
    // Whether BullMQ's own close() hangs here depends on where its loop was when the port closed
    // (blocked on BZPOPMIN it disconnects and returns; reconnecting it may wait for ever): what must
    // hold either way is that the process is not held.
    expect(['drained', 'dropped']).toContain(await closeWorkerWithin(worker, [connection], logger, 500));
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('drops the connections of a worker whose close never returns, at the deadline', async () => {
    const disconnected: string[] = [];
    const hanging = { close: () => new Promise<void>(() => undefined) };
    const started = Date.now();
    const outcome = await closeWorkerWithin(hanging, [{ disconnect: () => void disconnected.push('a') }, undefined, { disconnect: () => void disconnected.push('b') }], logger, 300);
    expect(outcome).toBe('dropped');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(disconnected).toEqual(['a', 'b']);
  });
});
