// The gateway's series that deploy/prometheus/ alerts on, scraped from a real gateway's operations
// port: responses by status class, open subscriptions against the configured capacity, and
// whether each subgraph answers (user and safety run; the supergraph's other subgraphs do not).
import { randomBytes } from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, startStack, type Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait-for.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ subgraphs: ['user', 'safety'], env: { WS_SUBSCRIPTION_CAPACITY: '250' }, startTimeoutMs: 90_000 });
}, 240_000);
afterAll(async () => {
  await stack?.stop();
});

/** The gateway's /metrics as name{labels} → value (labels in exposition order, `service` included). */
async function scrape(): Promise<Map<string, number>> {
  const response = await fetch(`${stack.operationsUrls.gateway}/metrics`);
  expect(response.status).toBe(200);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

/** One sample of `name` whose labels include all of `labels`; undefined when there is none. */
function sample(samples: Map<string, number>, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const [series, value] of samples) {
    const brace = series.indexOf('{');
    const seriesName = brace < 0 ? series : series.slice(0, brace);
    if (seriesName === name && wanted.every((pair) => series.includes(pair))) return value;
  }
  return undefined;
}

async function register(): Promise<{ id: string; token: string }> {
  const email = `metrics.${randomBytes(5).toString('hex')}@example.com`;
  const answer = await graphql<{ register: { accessToken: string; user: { id: string } } }>(
    stack.gatewayUrl,
    'mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }',
    { input: { email, password: 'correct horse battery', nickname: 'metrics' } },
  );
  if (!answer.body.data) throw new Error(JSON.stringify(answer.body.errors));
  return { id: answer.body.data.register.user.id, token: answer.body.data.register.accessToken };
}

describe('the gateway metrics the alert rules read', () => {
  it('counts responses by status class, health probes aside', async () => {
    const before = await scrape();
    const count = (samples: Map<string, number>, statusClass: string) => sample(samples, 'anshim_http_responses_total', { status_class: statusClass, service: 'gateway' });
    // Every class the 5xx ratio reads exists before anything happened to it.
    for (const statusClass of ['2xx', '4xx', '5xx']) expect(count(before, statusClass), statusClass).toBeTypeOf('number');

    expect((await graphql(stack.gatewayUrl, '{ __typename }')).status).toBe(200);
    expect((await graphql(stack.gatewayUrl, '{ __typename }')).status).toBe(200);
    const malformed = await fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(malformed.status).toBe(400);
    // The payment subgraph is not running: its pass-through route answers 502.
    const unreachable = await fetch(new URL('/payments/done', stack.gatewayUrl));
    expect(unreachable.status).toBe(502);
    for (let i = 0; i < 3; i++) expect((await fetch(new URL('/readyz', stack.gatewayUrl))).status).toBe(200);
    expect((await fetch(new URL('/healthz', stack.gatewayUrl))).status).toBe(200);

    // A response is counted once it has been sent ('finish'), which may come just after the client read it.
    const after = await waitFor('the responses counted', async () => {
      const samples = await scrape();
      return count(samples, '5xx')! > count(before, '5xx')! ? samples : undefined;
    });
    expect(count(after, '2xx')! - count(before, '2xx')!).toBe(2);
    expect(count(after, '4xx')! - count(before, '4xx')!).toBe(1);
    expect(count(after, '5xx')! - count(before, '5xx')!).toBe(1);
  });

  it('times every subgraph fetch by subgraph and status class', async () => {
    const fetches = (samples: Map<string, number>) => sample(samples, 'anshim_subgraph_fetch_duration_seconds_count', { subgraph: 'user', status: '2xx' }) ?? 0;
    const before = fetches(await scrape());
    await register();
    expect(fetches(await scrape())).toBeGreaterThan(before);
  });

  it('reports open subscriptions against WS_SUBSCRIPTION_CAPACITY', async () => {
    const idle = await scrape();
    expect(sample(idle, 'anshim_subscriptions_capacity', { service: 'gateway' })).toBe(250);
    expect(sample(idle, 'anshim_subscriptions_active', { service: 'gateway' })).toBe(0);

    const user = await register();
    const client = createClient({
      url: stack.gatewayUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${user.token}` },
    });
    const failures: unknown[] = [];
    const subscriptions = [0, 1].map(() =>
      client.subscribe({ query: 'subscription { mySafetyScore { grade } }' }, { next: () => undefined, error: (error) => failures.push(error), complete: () => undefined }),
    );
    try {
      await waitFor('two active subscriptions', async () => sample(await scrape(), 'anshim_subscriptions_active') === 2);
      subscriptions[0]!();
      await waitFor('one active subscription', async () => sample(await scrape(), 'anshim_subscriptions_active') === 1);
    } finally {
      await client.dispose();
    }
    await waitFor('no active subscription', async () => sample(await scrape(), 'anshim_subscriptions_active') === 0);
    expect(failures).toEqual([]);
  });

  it('says which subgraphs answer, and notices one that goes away', async () => {
    const samples = await scrape();
    const up = (s: Map<string, number>, subgraph: string) => sample(s, 'anshim_subgraph_up', { subgraph, service: 'gateway' });
    expect(up(samples, 'user')).toBe(1);
    expect(up(samples, 'safety')).toBe(1);
    for (const down of ['transaction', 'report', 'monitor', 'chat', 'payment']) expect(up(samples, down), down).toBe(0);

    await stack.processes.find((p) => p.name === 'safety')!.stop('SIGKILL');
    const after = await scrape();
    expect(up(after, 'safety')).toBe(0);
    expect(up(after, 'user')).toBe(1);
  });
});
