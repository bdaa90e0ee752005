import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayContext } from '../src/context.ts';
import { InflightFetches, isReadFetch } from '../src/upstream/inflight-fetches.ts';
import { SubgraphDataSource } from '../src/upstream/subgraph-data-source.ts';
import { createSubgraphFetcher, type SubgraphFetcher } from '../src/upstream/subgraph-fetcher.ts';

// A subgraph that answers after 50 ms (so concurrent reads overlap) and numbers each request.
let server: Server;
let url: string;
let received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
let failing = false;
let fetcher: SubgraphFetcher;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      const number = received.length;
      setTimeout(() => {
        res.setHeader('content-type', 'application/json');
        if (failing) {
          res.statusCode = 500;
          return res.end(JSON.stringify({ errors: [{ message: 'broken' }] }));
        }
        res.end(JSON.stringify({ data: { products: [{ id: 'p1', answeredBy: number }] } }));
      }, 50);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  fetcher = createSubgraphFetcher({ timeoutMs: 2_000 });
});

afterAll(async () => {
  fetcher.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received = [];
  failing = false;
});

const READ = 'query Page__transaction__0{products(first:20){id}}';
const WRITE = 'mutation Buy__transaction__0{startTransaction(productId:"p1"){id}}';

function dataSource(inflight?: InflightFetches) {
  return new SubgraphDataSource({ name: 'transaction', url, fetcher, internalSecret: 'x'.repeat(32), inflight });
}

function call(source: SubgraphDataSource, query: string, context: Partial<GatewayContext>) {
  const options = { request: { query, variables: {} }, context: { requestId: crypto.randomUUID(), identity: null, acceptLanguage: undefined, ...context } };
  return source.process(options as unknown as GraphQLDataSourceProcessOptions<GatewayContext>);
}

describe('identical subgraph reads in flight', () => {
  it('share one request, and every caller gets its own copy of the answer', async () => {
    const source = dataSource(new InflightFetches());
    const answers = await Promise.all(Array.from({ length: 5 }, () => call(source, READ, {})));
    expect(received).toHaveLength(1);
    for (const answer of answers) expect(answer.data).toEqual({ products: [{ id: 'p1', answeredBy: 1 }] });
    (answers[0]!.data as { products: Array<{ id: string }> }).products[0]!.id = 'changed by one caller';
    expect((answers[1]!.data as { products: Array<{ id: string }> }).products[0]!.id).toBe('p1');
  });

  it('are asked again once the answer has arrived: nothing is cached', async () => {
    const source = dataSource(new InflightFetches());
    await call(source, READ, {});
    const later = await call(source, READ, {});
    expect(received).toHaveLength(2);
    expect(later.data).toEqual({ products: [{ id: 'p1', answeredBy: 2 }] });
  });

  it('are not shared between different callers or different languages', async () => {
    const source = dataSource(new InflightFetches());
    await Promise.all([
      call(source, READ, {}),
      call(source, READ, { identity: { userId: 'u1', role: 'USER' } }),
      call(source, READ, { identity: { userId: 'u2', role: 'USER' } }),
      call(source, READ, { identity: { userId: 'u2', role: 'USER' } }),
      call(source, READ, { acceptLanguage: 'en' }),
    ]);
    expect(received).toHaveLength(4);
    const callers = new Set(received.map((r) => `${r.headers['x-anshim-user'] ?? 'anonymous'} ${r.headers['accept-language'] ?? ''}`));
    expect(callers.size).toBe(4);
  });

  it('never share mutations', async () => {
    const source = dataSource(new InflightFetches());
    await Promise.all(Array.from({ length: 3 }, () => call(source, WRITE, {})));
    expect(received).toHaveLength(3);
    expect(isReadFetch(WRITE)).toBe(false);
    expect(isReadFetch('{ products { id } }')).toBe(true);
  });

  it('share a failure as they would share an answer, and the next read asks again', async () => {
    const source = dataSource(new InflightFetches());
    failing = true;
    const outcomes = await Promise.allSettled(Array.from({ length: 3 }, () => call(source, READ, {})));
    expect(received).toHaveLength(1);
    for (const outcome of outcomes) expect(outcome.status).toBe('rejected');
    failing = false;
    expect((await call(source, READ, {})).data).toEqual({ products: [{ id: 'p1', answeredBy: 2 }] });
  });

  it('are each sent when sharing is off', async () => {
    const source = dataSource(undefined);
    await Promise.all(Array.from({ length: 3 }, () => call(source, READ, {})));
    expect(received).toHaveLength(3);
  });
});
