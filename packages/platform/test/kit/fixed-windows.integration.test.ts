// takeFromWindows / giveBackToWindows on a Redis of the test's own (a private redis-server, so its
// script cache and its MONITOR stream are this test's alone): the counting rules, and that the Lua
// goes by its SHA, with the text only after NOSCRIPT.
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { giveBackToWindows, takeFromWindows } from '../../src/kit/fixed-windows.ts';
import { freePort } from '../../../../test/support/free-port.ts';
import { waitFor } from '../../../../test/support/wait-for.ts';

let server: ChildProcess;
let redis: Redis;
let port: number;

beforeAll(async () => {
  port = await freePort();
  server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  redis = new Redis({ port, host: '127.0.0.1', retryStrategy: () => 50 });
  redis.on('error', () => undefined); // refused until the server listens; it keeps retrying
  await waitFor('the private redis-server', async () => redis.status === 'ready');
}, 20_000);

afterAll(async () => {
  redis?.disconnect();
  server?.kill('SIGTERM');
});

/** The script commands Redis received while `work` ran (MONITOR on a second connection). */
async function scriptCommands(work: () => Promise<unknown>): Promise<string[]> {
  const watcher = new Redis({ port, host: '127.0.0.1' });
  const monitor = await watcher.monitor();
  const seen: string[] = [];
  monitor.on('monitor', (_time: string, args: string[]) => {
    const command = args[0]?.toUpperCase();
    if (command === 'EVAL' || command === 'EVALSHA') seen.push(command);
  });
  try {
    await work();
    await redis.ping();
    await new Promise((resolve) => setTimeout(resolve, 100)); // MONITOR lines arrive after the replies
    return seen;
  } finally {
    monitor.disconnect();
    watcher.disconnect();
  }
}

describe('fixed windows', () => {
  it('counts in every window or none, answers the seconds to wait, and gives counts back', async () => {
    const windows = [
      { key: 'fw:sender', limit: 2, seconds: 60 },
      { key: 'fw:conversation', limit: 3, seconds: 30 },
    ];
    expect(await takeFromWindows(redis, windows)).toBe(0);
    expect(await takeFromWindows(redis, windows)).toBe(0);
    const retry = await takeFromWindows(redis, windows);
    expect(retry).toBeGreaterThan(50); // the sender's window is full: wait for it
    expect(retry).toBeLessThanOrEqual(60);
    expect(await redis.mget('fw:sender', 'fw:conversation')).toEqual(['2', '2']); // the refusal counted nowhere
    await giveBackToWindows(redis, ['fw:sender', 'fw:conversation', 'fw:absent']);
    expect(await redis.mget('fw:sender', 'fw:conversation', 'fw:absent')).toEqual(['1', '1', null]);
    expect(await takeFromWindows(redis, windows)).toBe(0);
  });

  it('sends the script by its SHA, and its text only when Redis does not have it (NOSCRIPT)', async () => {
    const windows = [{ key: 'fw:sha', limit: 100, seconds: 60 }];
    await redis.script('FLUSH');
    const first = await scriptCommands(() => takeFromWindows(redis, windows));
    expect(first).toEqual(['EVALSHA', 'EVAL']); // unknown after the flush: the text once
    const next = await scriptCommands(async () => {
      await takeFromWindows(redis, windows);
      await takeFromWindows(redis, windows);
    });
    expect(next).toEqual(['EVALSHA', 'EVALSHA']); // cached by that EVAL: no text any more
    expect(await redis.get('fw:sha')).toBe('3'); // the fallback counted once, not twice
    await redis.script('FLUSH');
    const giveBack = await scriptCommands(() => giveBackToWindows(redis, ['fw:sha']));
    expect(giveBack).toEqual(['EVALSHA', 'EVAL']);
    expect(await redis.get('fw:sha')).toBe('2');
  });
});
