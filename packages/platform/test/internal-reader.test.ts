// The platform's internalReader against a real HTTP server that verifies service signatures as a
// subgraph does: it signs as the caller for the target, retries once after a failure, answers a
// 4xx at once (no retry), times out a hung owner, and opens its breaker after repeated failures so
// later reads fail fast without reaching the owner.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodySha256 } from '../src/identity.ts';
import { CircuitOpenError } from '../src/resilience.ts';
import { InternalCallError, verifyServiceHeaders } from '../src/internal.ts';
import { internalReader } from '../src/internal-reader.ts';

const secret = 'k'.repeat(40);
let behaviour: 'ok' | 'fail' | 'hang' | 'bad' = 'ok';
let hits = 0;
let callers: Array<string | null> = [];
let server: Server;
let baseUrl = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      hits++;
      const caller = verifyServiceHeaders(secret, req.headers, { method: 'POST', subgraph: 'user', path: req.url!, bodySha256: bodySha256(body) });
      callers.push(caller);
      if (!caller) return void res.writeHead(401).end('{}');
      if (behaviour === 'hang') return; // never answers
      if (behaviour === 'fail') return void res.writeHead(503).end('{}');
      if (behaviour === 'bad') return void res.writeHead(400).end('{"error":"BAD_REQUEST"}');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ echo: JSON.parse(body) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const reset = (to: typeof behaviour) => {
  behaviour = to;
  hits = 0;
  callers = [];
};
// A generous deadline where the test is not about the deadline: on a busy CI machine the first
// request of a fresh process can take longer than 200 ms, and a late hit would land in the next test.
const reader = (secretUsed = secret, timeoutMs = 5_000) => internalReader({ caller: 'transaction', target: 'user', baseUrl, internalSecret: secretUsed, timeoutMs, resetTimeoutMs: 60_000 });

describe('internalReader', () => {
  it('signs as the caller for the target: the owner verifies it', async () => {
    reset('ok');
    expect(await reader().read('user-facts', { userIds: ['a'] })).toEqual({ echo: { userIds: ['a'] } });
    expect(callers).toEqual(['transaction']);
  });

  it('retries once after a failure, not more', async () => {
    reset('fail');
    await expect(reader().read('user-facts', {})).rejects.toBeInstanceOf(InternalCallError);
    expect(hits).toBe(2);
  });

  it('takes a 4xx as the owner\'s answer: thrown at once, not retried (a wrong secret is a 401)', async () => {
    reset('bad');
    await expect(reader().read('user-facts', {})).rejects.toMatchObject({ status: 400 });
    expect(hits).toBe(1);
    reset('ok');
    await expect(reader('w'.repeat(40)).read('user-facts', {})).rejects.toMatchObject({ status: 401 });
    expect(hits).toBe(1);
  });

  it('times out a hung owner', async () => {
    reset('hang');
    const started = Date.now();
    await expect(reader(secret, 100).read('user-facts', {})).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('opens its breaker after repeated failures: later reads fail fast without reaching the owner', async () => {
    reset('fail');
    const r = reader();
    for (let i = 0; i < 4; i++) await r.read('user-facts', {}).catch(() => undefined);
    expect(r.unavailable).toBe(true);
    const before = hits;
    await expect(r.read('user-facts', {})).rejects.toBeInstanceOf(CircuitOpenError);
    expect(hits).toBe(before);
  });
});
