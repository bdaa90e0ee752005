// How the seed meets a system's limits (seed-client.ts): it sends the development allowance when it
// has one, waits out a RATE_LIMITED answer for its retryAfter, and stops with what to do when the
// wait would pass its bound. Against a tiny local HTTP server standing in for the gateway.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEV_ALLOWANCE_HEADER } from '../../packages/platform/src/dev-allowance.ts';
import { SeedClient, SeedError } from '../lib/seed-client.ts';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A gateway that refuses the first `refusals` requests with RATE_LIMITED (retryAfter seconds), then answers. */
async function gateway(refusals: number, retryAfter: number): Promise<{ url: string; seen: IncomingHttpHeaders[]; times: number[] }> {
  const seen: IncomingHttpHeaders[] = [];
  const times: number[] = [];
  server = createServer((req, res) => {
    seen.push(req.headers);
    times.push(Date.now());
    req.resume().on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (seen.length <= refusals) {
        res.statusCode = 429;
        res.setHeader('retry-after', String(retryAfter));
        res.end(JSON.stringify({ errors: [{ message: 'Too many requests.', extensions: { code: 'RATE_LIMITED', retryAfter } }] }));
      } else {
        res.end(JSON.stringify({ data: { ok: true } }));
      }
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/graphql`, seen, times };
}

describe('SeedClient and the limits', () => {
  it('sends the development allowance when it has one, and nothing otherwise', async () => {
    const { url, seen } = await gateway(0, 1);
    await new SeedClient(url, { devAllowance: 'k'.repeat(64) }).call('ping', '{ ok }');
    await new SeedClient(url).call('ping', '{ ok }');
    expect(seen[0]![DEV_ALLOWANCE_HEADER]).toBe('k'.repeat(64));
    expect(seen[1]![DEV_ALLOWANCE_HEADER]).toBeUndefined();
  });

  it('waits out RATE_LIMITED for its retryAfter, then goes on', async () => {
    const { url, times } = await gateway(2, 1);
    expect(await new SeedClient(url, { maxWaitSeconds: 10 }).call('ping', '{ ok }')).toEqual({ ok: true });
    expect(times).toHaveLength(3);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1_000);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(1_000);
  });

  it('stops at once, saying how to get past the limits, when the wait would pass its bound', async () => {
    const { url, seen } = await gateway(5, 300);
    const attempt = new SeedClient(url, { maxWaitSeconds: 60 }).call('register', '{ ok }');
    await expect(attempt).rejects.toBeInstanceOf(SeedError);
    await expect(attempt).rejects.toThrow(/RATE_LIMITED.*SEED_MAX_WAIT_SECONDS.*dev-allowance-key/);
    expect(seen).toHaveLength(1);
  });
});
