import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { createLogger } from '@anshim/platform';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayContext } from '../src/context.ts';
import { SubgraphBreaker } from '../src/upstream/subgraph-breaker.ts';
import { SubgraphDataSource } from '../src/upstream/subgraph-data-source.ts';
import { createSubgraphFetcher, type SubgraphFetcher } from '../src/upstream/subgraph-fetcher.ts';

// A subgraph that can answer, hang (the fetch times out) or sit behind a proxy saying 503.
type Mode = 'up' | 'hang' | 'proxy-503' | 'graphql-error';
let mode: Mode = 'up';
let reached = 0;
let server: Server;
let url: string;
let fetcher: SubgraphFetcher;
/** For the tests where the subgraph answers: a deadline a busy CI machine cannot hit by accident. */
let patientFetcher: SubgraphFetcher;
const TIMEOUT_MS = 150;
const COOLDOWN_MS = 400;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      reached++;
      if (mode === 'hang') return;
      res.setHeader('content-type', 'application/json');
      if (mode === 'proxy-503') {
        res.statusCode = 503;
        return res.end('{}');
      }
      if (mode === 'graphql-error') return res.end(JSON.stringify({ data: { report: null }, errors: [{ message: 'no such report', path: ['report'] }] }));
      res.end(JSON.stringify({ data: { report: { id: 'r1' } } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  fetcher = createSubgraphFetcher({ timeoutMs: TIMEOUT_MS });
  patientFetcher = createSubgraphFetcher({ timeoutMs: 10_000 });
});

afterAll(async () => {
  fetcher.close();
  patientFetcher.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  mode = 'up';
  reached = 0;
});

/** The short deadline only where a hanging subgraph is the point. */
function source(deadline: 'short' | 'patient' = 'short') {
  const breaker = new SubgraphBreaker('report', { failures: 3, cooldownMs: COOLDOWN_MS }, createLogger('test', 'silent'));
  const chosen = deadline === 'short' ? fetcher : patientFetcher;
  return { breaker, dataSource: new SubgraphDataSource({ name: 'report', url, fetcher: chosen, internalSecret: 'x'.repeat(32), breaker }) };
}

async function ask(dataSource: SubgraphDataSource) {
  const options = { request: { query: 'query Q__report__0{report(id:"r1"){id}}', variables: {} }, context: { requestId: crypto.randomUUID(), identity: null, locale: 'en' } };
  const started = performance.now();
  const answer = await dataSource.process(options as unknown as GraphQLDataSourceProcessOptions<GatewayContext>);
  return { answer, ms: performance.now() - started, code: answer.errors?.[0]?.extensions?.code };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('subgraph circuit breaker', () => {
  it('stops asking a hanging subgraph after the failures in a row, and answers partial data at once', async () => {
    const { breaker, dataSource } = source();
    mode = 'hang';
    for (let i = 0; i < 3; i++) {
      const { code, ms } = await ask(dataSource);
      expect(code).toBe('SUBGRAPH_UNAVAILABLE');
      expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 5); // each waited for the deadline
    }
    expect(breaker.state).toBe('open');
    const fast = await ask(dataSource);
    expect(fast.code).toBe('SUBGRAPH_UNAVAILABLE');
    expect(fast.answer.data ?? null).toBeNull();
    expect(reached).toBe(3); // the fourth was answered by the open circuit, not sent
  });

  it('lets one trial through after the cooldown and closes when the subgraph answers again', async () => {
    const { breaker, dataSource } = source('patient');
    mode = 'proxy-503'; // a proxy saying the subgraph is away counts like a timeout
    for (let i = 0; i < 3; i++) expect((await ask(dataSource)).code).toBe('SUBGRAPH_UNAVAILABLE');
    expect(breaker.state).toBe('open');
    mode = 'up';
    expect((await ask(dataSource)).code).toBe('SUBGRAPH_UNAVAILABLE'); // still cooling down
    expect(reached).toBe(3);
    await sleep(COOLDOWN_MS + 50);
    expect(breaker.state).toBe('half-open');
    const [trial, duringTrial] = await Promise.all([ask(dataSource), ask(dataSource)]);
    expect(trial.answer.data).toEqual({ report: { id: 'r1' } });
    expect(duringTrial.code).toBe('SUBGRAPH_UNAVAILABLE'); // one trial at a time
    expect(breaker.state).toBe('closed');
    expect((await ask(dataSource)).answer.data).toEqual({ report: { id: 'r1' } });
    expect(reached).toBe(5);
  });

  it('opens again when the trial fails', async () => {
    const { breaker, dataSource } = source();
    mode = 'hang';
    for (let i = 0; i < 3; i++) await ask(dataSource);
    await sleep(COOLDOWN_MS + 50);
    expect(breaker.state).toBe('half-open');
    await ask(dataSource);
    expect(breaker.state).toBe('open');
    expect(reached).toBe(4);
  });

  it('counts a subgraph that answers with GraphQL errors as up', async () => {
    const { breaker, dataSource } = source('patient');
    mode = 'graphql-error';
    for (let i = 0; i < 5; i++) expect((await ask(dataSource)).answer.errors?.[0]?.message).toBe('no such report');
    expect(breaker.state).toBe('closed');
    expect(reached).toBe(5);
  });
});
