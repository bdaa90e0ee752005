// anshim_subgraph_up against real HTTP servers through the gateway's real fetcher: a subgraph that
// answers, one that is unready (503), one that hangs (the scrape must not wait for it past the
// probe deadline), one whose port is closed, and one that answers /readyz while its circuit is open.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, createMetrics } from '@anshim/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subgraphUpGauge } from '../src/gateway-metrics.ts';
import { SubgraphBreaker } from '../src/upstream/subgraph-breaker.ts';
import { createSubgraphFetcher, SubgraphUnreachableError, type SubgraphFetcher } from '../src/upstream/subgraph-fetcher.ts';

const servers: Server[] = [];
let fetcher: SubgraphFetcher;

/** A subgraph stand-in whose /readyz answers `status`, or never when null. */
async function subgraph(status: number | null): Promise<string> {
  const server = createServer((_req, res) => {
    if (status === null) return; // hangs: no answer at all
    res.statusCode = status;
    res.end('{}');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

beforeAll(() => {
  // The production fetch deadline (SUBGRAPH_TIMEOUT_MS): as long as Prometheus' scrape timeout.
  fetcher = createSubgraphFetcher({ timeoutMs: 10_000 });
});
afterAll(async () => {
  fetcher.close();
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe('anshim_subgraph_up', () => {
  it('is 1 only for a subgraph whose /readyz answers and whose circuit is not open, and answers within the probe deadline', async () => {
    const closed = await subgraph(200);
    servers.pop()!.close(); // its port is now closed: connection refused
    const subgraphs = new Map([
      ['user', await subgraph(200)],
      ['report', await subgraph(503)],
      ['chat', await subgraph(null)],
      ['payment', closed],
      ['monitor', await subgraph(200)],
    ]);
    const logger = createLogger('test', 'silent');
    const breakers = new Map([...subgraphs.keys()].map((name) => [name, new SubgraphBreaker(name, { failures: 2, cooldownMs: 60_000 }, logger)]));
    // monitor's GraphQL fetches time out while its /readyz answers: two failures in a row open its circuit.
    for (let i = 0; i < 2; i++) {
      await breakers.get('monitor')!.run(() => Promise.reject(new SubgraphUnreachableError('monitor did not answer'))).catch(() => undefined);
    }
    expect(breakers.get('monitor')!.state).toBe('open');

    const metrics = createMetrics('gateway');
    subgraphUpGauge(metrics, { subgraphs, breakers, fetch: fetcher.fetch });
    const started = performance.now();
    const text = await metrics.registry.getSingleMetricAsString('anshim_subgraph_up');
    const ms = performance.now() - started;
    const up = Object.fromEntries([...text.matchAll(/^anshim_subgraph_up\{subgraph="(\w+)",service="gateway"\} (\d)$/gm)].map((m) => [m[1], Number(m[2])]));
    expect(up).toEqual({ user: 1, report: 0, chat: 0, payment: 0, monitor: 0 });
    // The hanging subgraph is given up on at the 2 s probe deadline, far inside the 10 s fetch deadline.
    expect(ms).toBeGreaterThanOrEqual(1_900);
    expect(ms).toBeLessThan(5_000);
  });
});
