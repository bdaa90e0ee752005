// The gateway's series that deploy/prometheus/ alerts on, scraped from a real gateway's operations
// port: responses by status class, open subscriptions against the configured capacity (enforced:
// one more is refused over a real WebSocket, the open ones keep receiving), and whether each
// subgraph answers (user and safety run; the supergraph's other subgraphs do not).
import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, startStack, type Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait-for.ts';

/** Small, so filling it takes three connections of one member (WS_MAX_SUBSCRIPTIONS_PER_CONNECTION is 20). */
const CAPACITY = 45;
const adminEmail = `admin-${randomBytes(4).toString('hex')}@anshim.test`;
const adminPassword = 'admin-password-1234';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    subgraphs: ['user', 'safety'],
    // The safety worker gives a new member a score, which an admin's recalculation then pushes.
    workers: ['safety'],
    env: { WS_SUBSCRIPTION_CAPACITY: String(CAPACITY), BOOTSTRAP_ADMIN_EMAIL: adminEmail, BOOTSTRAP_ADMIN_PASSWORD: adminPassword, SAFETY_NIGHTLY_ENABLED: 'false' },
    startTimeoutMs: 90_000,
  });
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

/** The member's score version as the public API reads it (0 until the safety worker scored them). */
async function scoreVersion(userId: string): Promise<number> {
  const answer = await graphql<{ user: { safetyScore: { version: number } | null } | null }>(stack.gatewayUrl, 'query($id: ID!) { user(id: $id) { safetyScore { version } } }', { id: userId });
  return answer.body.data?.user?.safetyScore?.version ?? 0;
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
    expect(sample(idle, 'anshim_subscriptions_capacity', { service: 'gateway' })).toBe(CAPACITY);
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

  it('refuses a subscription past WS_SUBSCRIPTION_CAPACITY with SUBSCRIPTION_CAPACITY, keeps the open ones, and admits again once one ends', async () => {
    const gauge = async (name: string) => sample(await scrape(), name, { service: 'gateway' });
    expect(await gauge('anshim_subscriptions_active')).toBe(0);
    expect(await gauge('anshim_subscriptions_refused_total')).toBe(0);
    const [mina, jun] = [await register(), await register()];
    await Promise.all([mina, jun].map((member) => waitFor(`${member.id}'s first score`, async () => (await scoreVersion(member.id)) >= 1, { timeoutMs: 30_000 })));

    const clients: Client[] = [];
    const connect = (token: string, acceptLanguage?: string) => {
      const client = createClient({
        url: stack.gatewayUrl.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${token}`, ...(acceptLanguage ? { 'accept-language': acceptLanguage } : {}) },
      });
      clients.push(client);
      return client;
    };
    /** One mySafetyScore subscription: the versions it receives, how it ended (error or complete), and its unsubscribe. */
    const subscribe = (client: Client) => {
      const feed = { versions: [] as number[], errors: [] as Array<{ message: string; extensions?: Record<string, unknown> }>, completed: false, stop: () => undefined as void };
      feed.stop = client.subscribe<{ mySafetyScore: { version: number } }>({ query: 'subscription { mySafetyScore { version } }' }, {
        next: (result) => void (result.data && feed.versions.push(result.data.mySafetyScore.version)),
        error: (error) => void feed.errors.push(...(Array.isArray(error) ? error : [{ message: String(error) }])),
        complete: () => void (feed.completed = true),
      });
      return feed;
    };
    try {
      // Mina fills the process: 20 + 20 + 5 over three connections (each under its own cap of 20).
      const minaConnections = [connect(mina.token), connect(mina.token), connect(mina.token)];
      const open = [...Array.from({ length: 20 }, () => subscribe(minaConnections[0]!)), ...Array.from({ length: 20 }, () => subscribe(minaConnections[1]!)), ...Array.from({ length: 5 }, () => subscribe(minaConnections[2]!))];
      await waitFor('the gateway full', async () => (await gauge('anshim_subscriptions_active')) === CAPACITY, { timeoutMs: 60_000 });

      // One more, on a connection holding 5 of its 20 and on a fresh one of another member (English): refused by the process' cap, not the connection's.
      const onMinasThird = subscribe(minaConnections[2]!);
      const onJuns = subscribe(connect(jun.token, 'en'));
      await waitFor('both refused', async () => onMinasThird.errors.length > 0 && onJuns.errors.length > 0, { timeoutMs: 60_000 });
      expect(onMinasThird.errors).toEqual([{ message: '이 서버가 지금 받을 수 있는 구독이 가득 찼습니다. 잠시 후 다시 연결해 주세요.', extensions: { code: 'SUBSCRIPTION_CAPACITY', retryable: true } }]);
      expect(onJuns.errors).toEqual([{ message: 'This server cannot take more subscriptions right now. Please reconnect in a moment.', extensions: { code: 'SUBSCRIPTION_CAPACITY', retryable: true } }]);
      const full = await scrape();
      expect(sample(full, 'anshim_subscriptions_refused_total', { service: 'gateway' })).toBe(2);
      expect(sample(full, 'anshim_subscriptions_active', { service: 'gateway' })).toBe(CAPACITY);
      // A full gateway is still ready: the load balancer keeps it for its subscribers and for queries.
      expect((await fetch(new URL('/readyz', stack.gatewayUrl))).status).toBe(200);
      expect((await fetch(`${stack.operationsUrls.gateway}/readyz`)).status).toBe(200);
      expect((await graphql(stack.gatewayUrl, '{ __typename }')).status).toBe(200);

      // Every open subscription still receives: an admin's recalculation of Mina's score reaches all 45.
      const admin = await graphql<{ login: { accessToken: string } }>(stack.gatewayUrl, 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }', { e: adminEmail, p: adminPassword });
      const adminAuth = { authorization: `Bearer ${admin.body.data!.login.accessToken}` };
      const recalculated = await graphql<{ recalculateSafetyScore: { version: number } }>(stack.gatewayUrl, 'mutation($id: ID!) { recalculateSafetyScore(userId: $id) { version } }', { id: mina.id }, adminAuth);
      expect(recalculated.body.errors).toBeUndefined();
      const version = recalculated.body.data!.recalculateSafetyScore.version;
      await waitFor('the push on every open subscription', async () => open.every((feed) => feed.versions.includes(version)), { timeoutMs: 60_000 });
      expect(open.filter((feed) => feed.errors.length > 0 || feed.completed)).toEqual([]);

      // One ends: its place is given back, and Jun's next subscribe is admitted and receives.
      open[0]!.stop();
      await waitFor('a place given back', async () => (await gauge('anshim_subscriptions_active')) === CAPACITY - 1, { timeoutMs: 60_000 });
      const admitted = subscribe(clients.at(-1)!);
      await waitFor('the gateway full again', async () => (await gauge('anshim_subscriptions_active')) === CAPACITY, { timeoutMs: 60_000 });
      const junRecalculated = await graphql<{ recalculateSafetyScore: { version: number } }>(stack.gatewayUrl, 'mutation($id: ID!) { recalculateSafetyScore(userId: $id) { version } }', { id: jun.id }, adminAuth);
      await waitFor('the push to the admitted subscription', async () => admitted.versions.includes(junRecalculated.body.data!.recalculateSafetyScore.version), { timeoutMs: 60_000 });
      expect(admitted.errors).toEqual([]);

      // A closed connection gives back every place it held.
      await clients[0]!.dispose();
      await waitFor('the first connection\'s places given back', async () => (await gauge('anshim_subscriptions_active')) === CAPACITY - 19, { timeoutMs: 60_000 });
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
    }
    await waitFor('no active subscription', async () => (await gauge('anshim_subscriptions_active')) === 0, { timeoutMs: 60_000 });
    expect(await gauge('anshim_subscriptions_refused_total')).toBe(2);
  }, 300_000);

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
