// Subscriptions through the gateway (ARCHITECTURE §7): two real subgraphs in-process ("alerts"
// owns Subscription.myAlerts fed from Redis, "people" owns User.nickname), composed here, and
// real gateways on port 0. Clients speak graphql-ws with `ws`.
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { createServer, connect as tcpConnect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { createClient, type Client, type ExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import {
  IDENTITY_EXTENSION,
  RedisChannelHub,
  UnauthenticatedError,
  attachSubscriptions,
  buildSubgraphServer,
  channelIterator,
  createLogger,
  createRedis,
  publish,
  signAccessToken,
  signIdentityHeaders,
  connectionTarget,
  subscribeTarget,
  type Identity,
  type Redis,
  type RequestContext,
} from '@anshim/platform';
import { composeSupergraph } from '../../scripts/lib/compose.ts';
import type { GatewayServer } from '../src/server.ts';
import { NO_SUBGRAPH_ROLES, type SettingsOverrides } from './support/gateway-settings.ts';
import { disposeAll, startTestGateway, testRedis, testSecret, type Leftovers } from './support/test-gateway.ts';

const INTERNAL_SECRET = testSecret();
const JWT_SECRET = testSecret();
const REDIS = testRedis('gwsub');
const logger = createLogger('subscriptions-test', process.env.TEST_LOG_LEVEL ?? 'silent');

const ALERTS_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
type Alert @key(fields: "id") { id: ID! message: String! subject: User! }
type User @key(fields: "id", resolvable: false) { id: ID! }
type Subscription { myAlerts: Alert! topicAlerts(topic: String!): Alert! }
`;
const PEOPLE_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
type User @key(fields: "id") { id: ID! nickname: String! email: String }
type Query { person(id: ID!): User }
`;

interface AlertEvent {
  id: string;
  message: string;
  subjectId: string;
}

/** Counts per user id, with waits that resolve on change (no sleeps). */
class Counters extends EventEmitter {
  private readonly values = new Map<string, number>();
  get(key: string): number {
    return this.values.get(key) ?? 0;
  }
  add(key: string, by = 1): void {
    this.values.set(key, this.get(key) + by);
    this.emit('change');
  }
  waitFor(key: string, predicate: (value: number) => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (!predicate(this.get(key))) return;
        this.off('change', check);
        resolve();
      };
      this.on('change', check);
      check();
    });
  }
}

const subscribes = new Counters(); // Subscription.myAlerts subscribe calls on the alerts subgraph, by user
const active = new Counters(); // open myAlerts iterators on the alerts subgraph, by user
const nicknameLookups = new Counters(); // User __resolveReference calls on people, by user id

const leftovers: Leftovers = [];
let redis: Redis;
let alertsUrl: string;
let peopleUrl: string;
let supergraphSdl: string;
let gatewayA: GatewayServer;
let urlA: string;
let urlB: string;

async function startAlerts(): Promise<string> {
  const hub = new RedisChannelHub(REDIS);
  const server = await buildSubgraphServer<RequestContext>({
    name: 'alerts',
    typeDefs: parse(ALERTS_SDL),
    production: false,
    internalSecret: INTERNAL_SECRET,
    logger,
    readiness: [],
    buildContext: (base) => base,
    attach: attachSubscriptions({ subgraph: 'alerts', internalSecret: INTERNAL_SECRET, logger, buildContext: (base) => base }),
    onStop: () => hub.close(),
    resolvers: {
      Alert: { subject: (alert: AlertEvent) => ({ __typename: 'User', id: alert.subjectId }) },
      Subscription: {
        myAlerts: {
          subscribe: async (_: unknown, __: unknown, { identity }: RequestContext) => {
            if (!identity) throw new UnauthenticatedError();
            const userId = identity.userId;
            const events = channelIterator<AlertEvent>(hub, `alerts:${userId}`, { filter: (event) => event.message !== 'filtered-out', logger });
            await events.ready;
            subscribes.add(userId);
            active.add(userId);
            // Tracks return() (not an async generator: its return() would wait for a pending next()).
            const tracked: AsyncIterableIterator<AlertEvent> = {
              next: () => events.next(),
              return: async () => {
                active.add(userId, -1);
                return events.return(undefined);
              },
              [Symbol.asyncIterator]: () => tracked,
            };
            return tracked;
          },
          resolve: (event: AlertEvent) => event,
        },
        // Every signed-in subscriber of a topic gets the same events (like riskAlerts for ADMINs).
        topicAlerts: {
          subscribe: async (_: unknown, { topic }: { topic: string }, { identity }: RequestContext) => {
            if (!identity) throw new UnauthenticatedError();
            const events = channelIterator<AlertEvent>(hub, `topic:${topic}`, { logger });
            await events.ready;
            subscribes.add(`${topic}:${identity.userId}`);
            return events;
          },
          resolve: (event: AlertEvent) => event,
        },
      },
    },
  });
  leftovers.push(() => server.stop());
  return (await server.start(0)).url;
}

async function startPeople(): Promise<string> {
  const server = await buildSubgraphServer<RequestContext>({
    name: 'people',
    typeDefs: parse(PEOPLE_SDL),
    production: false,
    internalSecret: INTERNAL_SECRET,
    logger,
    readiness: [],
    buildContext: (base) => base,
    resolvers: {
      Query: { person: (_: unknown, { id }: { id: string }) => ({ id }) },
      User: {
        __resolveReference: ({ id }: { id: string }) => {
          nicknameLookups.add(id);
          return { id };
        },
        nickname: ({ id }: { id: string }) => {
          if (id.startsWith('broken-')) throw new Error('nickname store unavailable');
          return `nick-${id}`;
        },
        // Private like the real User.email: only the user themself sees it.
        email: ({ id }: { id: string }, _: unknown, { identity }: RequestContext) => (identity?.userId === id ? `${id}@example.com` : null),
      },
    },
  });
  leftovers.push(() => server.stop());
  return (await server.start(0)).url;
}

async function startGateway(overrides: SettingsOverrides = {}): Promise<{ gateway: GatewayServer; url: string }> {
  const { gateway, ws } = await startTestGateway({
    settings: {
      redis: REDIS,
      subgraphUrls: { alerts: alertsUrl, people: peopleUrl },
      subgraphRoles: NO_SUBGRAPH_ROLES,
      subgraphTimeoutMs: 5_000,
      subscriptions: { maxPerConnection: 3 },
      ...overrides,
    },
    supergraphSdl,
    internalSecret: INTERNAL_SECRET,
    jwtSecret: JWT_SECRET,
    logger,
    leftovers,
  });
  return { gateway, url: ws };
}

/** A TCP proxy in front of a server whose connections the test can cut (a network failure). */
async function startCuttableProxy(target: string): Promise<{ url: string; cut(): void }> {
  const { hostname, port, pathname } = new URL(target);
  const sockets = new Set<Socket>();
  const proxy = createServer((client) => {
    const upstream = tcpConnect(Number(port), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  leftovers.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  });
  const { port: proxyPort } = proxy.address() as { port: number };
  return { url: `http://127.0.0.1:${proxyPort}${pathname}`, cut: () => sockets.forEach((socket) => socket.destroy()) };
}

interface Closed {
  code: number;
  reason: string;
}

/** A graphql-ws client (no retries: a refusal must surface); `closed` resolves with its close event. */
function connect(url: string, connectionParams: Record<string, unknown> = {}): { client: Client; closed: Promise<Closed> } {
  let onClosed: (event: Closed) => void = () => undefined;
  const closed = new Promise<Closed>((resolve) => (onClosed = resolve));
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams,
    on: { closed: (event) => onClosed(event as Closed) },
  });
  leftovers.push(async () => client.dispose());
  return { client, closed };
}

async function signedIn(url: string, identity: Identity): Promise<Client> {
  const { token } = await signAccessToken(JWT_SECRET, identity);
  return connect(url, { authorization: `Bearer ${token}` }).client;
}

const user = (): Identity => ({ userId: `user-${randomBytes(4).toString('hex')}`, role: 'USER' });
const ALERTS_QUERY = 'subscription { myAlerts { message subject { nickname } } }';
type AlertsResult = ExecutionResult<{ myAlerts: { message: string; subject: { nickname: string } } }>;

function publishAlert(userId: string, message: string, subjectId = `subject-${userId}`): Promise<void> {
  return publish(redis, REDIS, `alerts:${userId}`, { id: randomBytes(4).toString('hex'), message, subjectId } satisfies AlertEvent);
}

beforeAll(async () => {
  redis = createRedis(REDIS);
  leftovers.push(async () => redis.disconnect());
  alertsUrl = await startAlerts();
  peopleUrl = await startPeople();
  const composition = composeSupergraph([
    { name: 'alerts', sdl: ALERTS_SDL, url: alertsUrl },
    { name: 'people', sdl: PEOPLE_SDL, url: peopleUrl },
  ]);
  if (!composition.ok) throw new Error(JSON.stringify(composition.problems));
  supergraphSdl = composition.supergraphSdl;
  const a = await startGateway();
  gatewayA = a.gateway;
  urlA = a.url;
  urlB = (await startGateway({ subscriptions: { maxPerConnection: 3, connectionInitTimeoutMs: 300 } })).url;
});

afterAll(() => disposeAll(leftovers, { tolerant: true }));

describe('subscriptions through the gateway', () => {
  it('delivers an event with the nickname joined from the other subgraph, and filters on the subgraph', async () => {
    const alice = user();
    const client = await signedIn(urlA, alice);
    const events = client.iterate<AlertsResult['data']>({ query: ALERTS_QUERY });
    const first = events.next();
    await subscribes.waitFor(alice.userId, (n) => n === 1);
    await publishAlert(alice.userId, 'filtered-out');
    await publishAlert(alice.userId, '선입금 요청', 'seller-1');
    expect((await first).value).toEqual({ data: { myAlerts: { message: '선입금 요청', subject: { nickname: 'nick-seller-1' } } } });
    await events.return?.();
    await active.waitFor(alice.userId, (n) => n === 0);
  });

  it('refuses a subscription without a token with UNAUTHENTICATED (the connection stays open for queries)', async () => {
    const { client } = connect(urlA);
    await expect(client.iterate({ query: ALERTS_QUERY }).next()).rejects.toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) }),
    ]);
    const answer = await client.iterate({ query: '{ person(id: "p1") { nickname } }' }).next();
    expect(answer.value).toEqual({ data: { person: { nickname: 'nick-p1' } } });
  });

  it('closes a connection with a bad token with 4401', async () => {
    const { client, closed } = connect(urlA, { authorization: 'Bearer not-a-jwt' });
    await expect(client.iterate({ query: ALERTS_QUERY }).next()).rejects.toMatchObject({ code: 4401 });
    expect(await closed).toMatchObject({ code: 4401, reason: 'Unauthorized: invalid' });
  });

  it('closes the connection with 4401 when its access token expires', async () => {
    const { token } = await signAccessToken(JWT_SECRET, user(), Date.now() - 15 * 60_000 + 1_500); // expires in ~1 s
    const { client, closed } = connect(urlA, { authorization: `Bearer ${token}` });
    const events = client.iterate({ query: ALERTS_QUERY });
    await expect(events.next()).rejects.toMatchObject({ code: 4401 });
    expect(await closed).toMatchObject({ code: 4401, reason: 'Unauthorized: expired' });
  });

  it('closes a socket that sends no connection_init in time with 4408', async () => {
    const socket = new WebSocket(urlB, 'graphql-transport-ws');
    leftovers.push(async () => socket.terminate());
    const code = await new Promise<number>((resolve) => socket.once('close', (closeCode) => resolve(closeCode)));
    expect(code).toBe(4408);
  });

  it('answers GraphQL validation errors over the socket without closing it', async () => {
    const client = await signedIn(urlA, user());
    await expect(client.iterate({ query: 'subscription { myAlerts { nope } }' }).next()).rejects.toEqual([expect.objectContaining({ message: expect.stringContaining('nope') })]);
    await expect(client.iterate({ query: 'subscription {' }).next()).rejects.toEqual([expect.objectContaining({ message: expect.stringContaining('Syntax Error') })]);
    const answer = await client.iterate({ query: 'query P($id: ID!) { person(id: $id) { nickname } }', variables: { id: 'p2' } }).next();
    expect(answer.value).toEqual({ data: { person: { nickname: 'nick-p2' } } });
  });

  it('caps subscriptions per connection', async () => {
    const bob = user();
    const client = await signedIn(urlA, bob);
    const open = [0, 1, 2].map((i) => client.iterate({ query: `subscription S${i} { myAlerts { message } }` }));
    const pending = open.map((events) => events.next());
    await subscribes.waitFor(bob.userId, (n) => n === 3);
    await expect(client.iterate({ query: ALERTS_QUERY }).next()).rejects.toEqual([
      expect.objectContaining({ extensions: { code: 'BAD_REQUEST', reason: 'TOO_MANY_SUBSCRIPTIONS', limit: 3 } }),
    ]);
    await publishAlert(bob.userId, 'hello');
    for (const result of await Promise.all(pending)) expect(result.value).toEqual({ data: { myAlerts: { message: 'hello' } } });
    for (const events of open) await events.return?.();
    await active.waitFor(bob.userId, (n) => n === 0);
  });

  it('shares one upstream subscription and one join per event between identical subscribers, and releases it', async () => {
    const carol = user();
    const before = gatewayA.subscriptionStats();
    const one = (await signedIn(urlA, carol)).iterate<AlertsResult['data']>({ query: ALERTS_QUERY });
    const two = (await signedIn(urlA, carol)).iterate<AlertsResult['data']>({ query: ALERTS_QUERY });
    const [firstOne, firstTwo] = [one.next(), two.next()];
    await subscribes.waitFor(carol.userId, (n) => n === 1);
    // Both joined before the publish: one upstream, one group, two subscribers more than before.
    await expect.poll(() => gatewayA.subscriptionStats()).toEqual({ upstreams: before.upstreams + 1, groups: before.groups + 1, subscribers: before.subscribers + 2 });
    const subjectId = `subject-${carol.userId}`;
    await publishAlert(carol.userId, 'shared', subjectId);
    const expected = { data: { myAlerts: { message: 'shared', subject: { nickname: `nick-${subjectId}` } } } };
    expect((await firstOne).value).toEqual(expected);
    expect((await firstTwo).value).toEqual(expected);
    expect(subscribes.get(carol.userId)).toBe(1);
    expect(nicknameLookups.get(subjectId)).toBe(1);

    await one.return?.();
    expect(active.get(carol.userId)).toBe(1); // the other subscriber still holds it
    await two.return?.();
    await active.waitFor(carol.userId, (n) => n === 0);
  });

  it('delivers the same published event through two gateways', async () => {
    const dave = user();
    const viaA = (await signedIn(urlA, dave)).iterate<AlertsResult['data']>({ query: ALERTS_QUERY });
    const viaB = (await signedIn(urlB, dave)).iterate<AlertsResult['data']>({ query: ALERTS_QUERY });
    const [fromA, fromB] = [viaA.next(), viaB.next()];
    await subscribes.waitFor(dave.userId, (n) => n === 2); // one upstream per gateway
    await publishAlert(dave.userId, 'both');
    expect((await fromA).value?.data?.myAlerts.message).toBe('both');
    expect((await fromB).value?.data?.myAlerts.message).toBe('both');
    await viaA.return?.();
    await viaB.return?.();
    await active.waitFor(dave.userId, (n) => n === 0);
  });

  it('subscribes again, freshly signed, when the upstream connection is lost', async () => {
    const proxy = await startCuttableProxy(alertsUrl);
    const { url } = await startGateway({ subgraphUrls: { alerts: proxy.url, people: peopleUrl } });
    const frank = user();
    const events = (await signedIn(url, frank)).iterate<AlertsResult['data']>({ query: ALERTS_QUERY });
    const first = events.next();
    await subscribes.waitFor(frank.userId, (n) => n === 1);
    proxy.cut();
    await subscribes.waitFor(frank.userId, (n) => n === 2); // the gateway subscribed again
    await active.waitFor(frank.userId, (n) => n === 1); // and the lost one was released
    await publishAlert(frank.userId, 'after the cut');
    expect((await first).value?.data?.myAlerts.message).toBe('after the cut');
    await events.return?.();
    await active.waitFor(frank.userId, (n) => n === 0);
  });

  it('pushes an event whose join failed as a result with errors, and keeps the subscription', async () => {
    const gina = user();
    const events = (await signedIn(urlA, gina)).iterate<AlertsResult['data']>({ query: ALERTS_QUERY });
    const first = events.next();
    await subscribes.waitFor(gina.userId, (n) => n === 1);
    await publishAlert(gina.userId, 'broken join', `broken-${gina.userId}`);
    const failed = (await first).value;
    expect(failed?.data).toBeNull();
    expect(failed?.errors).toEqual([expect.objectContaining({ message: 'nickname store unavailable', path: ['myAlerts', 'subject', 'nickname'] })]);
    const second = events.next();
    await publishAlert(gina.userId, 'fine again', 'seller-2');
    expect((await second).value).toEqual({ data: { myAlerts: { message: 'fine again', subject: { nickname: 'nick-seller-2' } } } });
    await events.return?.();
  });

  it('pushes an error when the joined subgraph cannot be reached, and keeps the subscription', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { url } = await startGateway({ subgraphUrls: { alerts: alertsUrl, people: `http://127.0.0.1:${port}/graphql` } });
    const hana = user();
    const events = (await signedIn(url, hana)).iterate<AlertsResult['data']>({ query: ALERTS_QUERY });
    const first = events.next();
    await subscribes.waitFor(hana.userId, (n) => n === 1);
    await publishAlert(hana.userId, 'people down');
    const failed = (await first).value;
    expect(failed?.data).toBeNull();
    expect(failed?.errors?.[0]?.extensions?.code).toBeDefined();
    expect(failed?.errors?.[0]?.message).not.toBe('Unexpected error.');
    const second = events.next();
    await publishAlert(hana.userId, 'still subscribed');
    expect((await second).value?.errors).toBeDefined(); // people is still down, but the stream lives
    await events.return?.();
  });

  it('measures publish → receive latency over 200 events', async () => {
    const erin = user();
    const events = (await signedIn(urlA, erin)).iterate<AlertsResult['data']>({ query: ALERTS_QUERY });
    let next = events.next();
    await subscribes.waitFor(erin.userId, (n) => n === 1);
    const latencies: number[] = [];
    for (let i = 0; i < 200; i++) {
      const sent = performance.now();
      await publishAlert(erin.userId, `event-${i}`);
      const received = await next;
      latencies.push(performance.now() - sent);
      expect(received.value?.data?.myAlerts.message).toBe(`event-${i}`);
      next = events.next();
    }
    latencies.sort((a, b) => a - b);
    const p50 = latencies[100] ?? NaN;
    const p99 = latencies[197] ?? NaN;
    console.info(`subscription latency over 200 events (publish → client, with a cross-subgraph join): p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`);
    expect(p50).toBeLessThan(250);
    await events.return?.();
  });
});

describe('per-event join batching across subscription groups', () => {
  type TopicResult = { topicAlerts: { message: string; subject: { nickname: string; email?: string | null } } };

  /** Subscribes each identity to `query` (its own upstream subscription) and waits until all are live upstream. */
  async function subscribeAll(url: string, topic: string, people: Identity[], query: (i: number) => string) {
    const streams = await Promise.all(people.map(async (person, i) => (await signedIn(url, person)).iterate<TopicResult>({ query: query(i), variables: { topic } })));
    const firsts = streams.map((events) => events.next());
    await Promise.all(people.map((person) => subscribes.waitFor(`${topic}:${person.userId}`, (n) => n >= 1)));
    return { streams, firsts };
  }

  function publishTopic(topic: string, message: string, subjectId: string): Promise<void> {
    return publish(redis, REDIS, `topic:${topic}`, { id: randomBytes(4).toString('hex'), message, subjectId } satisfies AlertEvent);
  }

  const nicknameOnly = () => 'subscription T($topic: String!) { topicAlerts(topic: $topic) { message subject { nickname } } }';
  // Three different selections: three plans, each with the same nickname join.
  const threeShapes = (i: number) =>
    [
      'subscription A($topic: String!) { topicAlerts(topic: $topic) { message subject { nickname } } }',
      'subscription B($topic: String!) { topicAlerts(topic: $topic) { subject { nickname } message } }',
      'subscription C($topic: String!) { topicAlerts(topic: $topic) { message subject { id nickname } } }',
    ][i % 3]!;

  let batched: string;
  let unbatched: string;
  beforeAll(async () => {
    // A wide window: on a loaded machine the events of one publish may arrive some ms apart.
    batched = (await startGateway({ subscriptions: { maxPerConnection: 3, joinBatchWindowMs: 50 } })).url;
    unbatched = (await startGateway({ subscriptions: { maxPerConnection: 3, joinBatching: false } })).url;
  });

  it('joins once per event for subscribers with distinct identities', async () => {
    const topic = `distinct-${randomBytes(4).toString('hex')}`;
    const people = Array.from({ length: 12 }, user);
    const { streams, firsts } = await subscribeAll(batched, topic, people, nicknameOnly);
    const subjectId = `subject-${topic}`;
    await publishTopic(topic, 'to all', subjectId);
    for (const first of firsts) expect((await first).value).toEqual({ data: { topicAlerts: { message: 'to all', subject: { nickname: `nick-${subjectId}` } } } });
    expect(nicknameLookups.get(subjectId)).toBe(1);
    for (const events of streams) await events.return?.();
  });

  it('coalesces the joins of different selections into one fetch per event', async () => {
    const topic = `shapes-${randomBytes(4).toString('hex')}`;
    const people = Array.from({ length: 6 }, user);
    const { streams, firsts } = await subscribeAll(batched, topic, people, threeShapes);
    const subjectId = `subject-${topic}`;
    await publishTopic(topic, 'shapes', subjectId);
    const results = await Promise.all(firsts);
    results.forEach((result, i) => expect(result.value?.data?.topicAlerts.subject.nickname, `subscriber ${i}`).toBe(`nick-${subjectId}`));
    expect(nicknameLookups.get(subjectId)).toBe(1);
    for (const events of streams) await events.return?.();
  });

  it('without batching, the same publish costs one join per group (what the batching saves)', async () => {
    const topic = `unbatched-${randomBytes(4).toString('hex')}`;
    const people = Array.from({ length: 6 }, user);
    const { streams, firsts } = await subscribeAll(unbatched, topic, people, nicknameOnly);
    const subjectId = `subject-${topic}`;
    await publishTopic(topic, 'to all', subjectId);
    await Promise.all(firsts);
    expect(nicknameLookups.get(subjectId)).toBe(6);
    for (const events of streams) await events.return?.();
  });

  it('fetches a viewer-dependent field per identity: no subscriber sees what was fetched for another', async () => {
    const topic = `private-${randomBytes(4).toString('hex')}`;
    const people = Array.from({ length: 5 }, user);
    const subject = people[2]!; // one subscriber is the subject: only they may read its email
    const { streams, firsts } = await subscribeAll(batched, topic, people, () => 'subscription P($topic: String!) { topicAlerts(topic: $topic) { message subject { nickname email } } }');
    await publishTopic(topic, 'private', subject.userId);
    const results = await Promise.all(firsts);
    results.forEach((result, i) =>
      expect(result.value, `subscriber ${i}`).toEqual({
        data: { topicAlerts: { message: 'private', subject: { nickname: `nick-${subject.userId}`, email: people[i] === subject ? `${subject.userId}@example.com` : null } } },
      }),
    );
    expect(nicknameLookups.get(subject.userId)).toBe(people.length); // one signed fetch per viewer
    for (const events of streams) await events.return?.();
  });
});

describe('a subgraph serving graphql-ws directly', () => {
  const alertsWs = () => alertsUrl.replace(/^http/, 'ws');

  it('closes a connection whose identity is forged with 4403', async () => {
    const forged = signIdentityHeaders(randomBytes(32).toString('hex'), { userId: 'mallory', role: 'ADMIN' }, connectionTarget('alerts'), 'req-forged');
    const { client, closed } = connect(alertsWs(), { headers: forged });
    await expect(client.iterate({ query: 'subscription { myAlerts { id } }' }).next()).rejects.toMatchObject({ code: 4403 });
    expect((await closed).code).toBe(4403);
  });

  it('closes with 4403 when a subscription carries a stale identity', async () => {
    const query = 'subscription { myAlerts { id } }';
    const stale = signIdentityHeaders(INTERNAL_SECRET, { userId: 'mallory', role: 'USER' }, subscribeTarget('alerts', query, undefined), 'req-stale', Date.now() - 5 * 60_000);
    const { client, closed } = connect(alertsWs(), { headers: signIdentityHeaders(INTERNAL_SECRET, null, connectionTarget('alerts'), 'req-conn') });
    await expect(client.iterate({ query: 'subscription { myAlerts { id } }', extensions: { [IDENTITY_EXTENSION]: stale } }).next()).rejects.toBeDefined();
    expect(await closed).toMatchObject({ code: 4403, reason: 'Forbidden: identity stale' });
  });
});
