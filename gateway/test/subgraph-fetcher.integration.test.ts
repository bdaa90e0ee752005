import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubgraphFetcher } from '../src/upstream/subgraph-fetcher.ts';

let server: Server;
let base: string;
let connections = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/hang') return; // never answers
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ data: { method: req.method, requestId: req.headers['x-request-id'] ?? null } }));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('subgraph fetcher', () => {
  it('reuses one kept-alive connection for consecutive fetches', async () => {
    const fetcher = createSubgraphFetcher({ timeoutMs: 2_000 });
    try {
      const before = connections;
      for (let i = 0; i < 3; i++) {
        const response = await fetcher.fetch(`${base}/graphql`, { method: 'POST', headers: { 'x-request-id': `r${i}` }, body: '{}' });
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ data: { method: 'POST', requestId: `r${i}` } });
      }
      expect(connections - before).toBe(1);
    } finally {
      fetcher.close();
    }
  });

  it('gives up on a subgraph that does not answer within the timeout', async () => {
    const fetcher = createSubgraphFetcher({ timeoutMs: 150 });
    try {
      await expect(fetcher.fetch(`${base}/hang`, { method: 'POST', body: '{}' })).rejects.toThrow(/did not answer within 150 ms/);
    } finally {
      fetcher.close();
    }
  });
});
