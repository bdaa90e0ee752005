// The subgraph side of subscriptions on real Redis: channelIterator over RedisChannelHub, and
// attachSubscriptions serving graphql-ws with signed identity on a real subgraph server.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { Redis as RawRedis } from 'ioredis';
import {
  IDENTITY_EXTENSION,
  RedisChannelHub,
  attachSubscriptions,
  buildSubgraphServer,
  channelIterator,
  channelName,
  createLogger,
  createRedis,
  publish,
  signIdentityHeaders,
  connectionTarget,
  subscribeTarget,
  type Identity,
  type Redis,
  type RequestContext,
} from '../src/index.ts';

const SECRET = randomBytes(32).toString('hex');
const REDIS = { url: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0', prefix: `anshim_test_subs_${randomBytes(4).toString('hex')}` };
const logger = createLogger('subscriptions-test', 'silent');

const leftovers: Array<() => Promise<unknown>> = [];
let hub: RedisChannelHub;
let redis: Redis;
let raw: RawRedis;
let wsUrl: string;

async function subscribers(name: string): Promise<number> {
  const [, count] = (await raw.pubsub('NUMSUB', channelName(REDIS, name))) as [string, number];
  return Number(count);
}

const signedConnection = () => ({ headers: signIdentityHeaders(SECRET, null, connectionTarget('ticks'), `conn-${randomBytes(3).toString('hex')}`) });

/** A subscribe payload's identity extension, signed over its query and variables for `subgraph`. */
function signedAs(identity: Identity | null, query: string, variables: Record<string, unknown> | undefined, requestId: string, subgraph = 'ticks', secret = SECRET) {
  return { [IDENTITY_EXTENSION]: signIdentityHeaders(secret, identity, subscribeTarget(subgraph, query, variables), requestId) };
}

function connect(connectionParams: Record<string, unknown> = signedConnection()): { client: Client; closed: Promise<{ code: number; reason: string }> } {
  let onClosed: (event: { code: number; reason: string }) => void = () => undefined;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (onClosed = resolve));
  const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams, on: { closed: (event) => onClosed(event as { code: number; reason: string }) } });
  leftovers.push(async () => client.dispose());
  return { client, closed };
}

beforeAll(async () => {
  hub = new RedisChannelHub(REDIS);
  redis = createRedis(REDIS);
  raw = new RawRedis(REDIS.url);
  leftovers.push(async () => {
    await hub.close();
    redis.disconnect();
    raw.disconnect();
  });
  const server = await buildSubgraphServer<RequestContext & { viaSocket: boolean }>({
    name: 'ticks',
    typeDefs: parse(`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
      type Query { whoAmI: String }
      type Subscription { ticks(channel: String!): Int! }
    `),
    production: false,
    internalSecret: SECRET,
    logger,
    readiness: [],
    buildContext: (base) => ({ ...base, viaSocket: false }),
    attach: attachSubscriptions({ subgraph: 'ticks', internalSecret: SECRET, logger, buildContext: (base) => ({ ...base, viaSocket: true }) }),
    resolvers: {
      Query: { whoAmI: (_: unknown, __: unknown, ctx: RequestContext) => `${ctx.identity?.userId ?? 'anonymous'}@${ctx.requestId}` },
      Subscription: {
        ticks: {
          subscribe: async (_: unknown, { channel }: { channel: string }) => {
            const events = channelIterator<number>(hub, channel, { filter: (n) => n % 2 === 0 });
            await events.ready;
            return events;
          },
          resolve: (n: number) => n,
        },
      },
    },
  });
  leftovers.push(() => server.stop());
  wsUrl = (await server.start(0)).url.replace(/^http/, 'ws');
});

afterAll(async () => {
  for (const dispose of leftovers.reverse()) await dispose().catch(() => undefined);
});

describe('channelIterator', () => {
  it('yields parsed, filtered events in order and stops listening on return()', async () => {
    const name = `it-${randomBytes(4).toString('hex')}`;
    const events = channelIterator<{ n: number }>(hub, name, { filter: (e) => e.n !== 2 });
    await events.ready;
    expect(await subscribers(name)).toBe(1);
    for (const n of [1, 2, 3]) await publish(redis, REDIS, name, { n });
    expect((await events.next()).value).toEqual({ n: 1 });
    expect((await events.next()).value).toEqual({ n: 3 });
    const pending = events.next();
    await events.return(undefined);
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(await subscribers(name)).toBe(0);
  });

  it('drops unreadable messages and the oldest events beyond the buffer limit', async () => {
    const name = `buf-${randomBytes(4).toString('hex')}`;
    const events = channelIterator<number>(hub, name, { bufferLimit: 2 });
    await events.ready;
    // A second listener on the same channel hears each message right after the iterator did.
    let heardLast: () => void = () => undefined;
    const lastHeard = new Promise<void>((resolve) => (heardLast = resolve));
    const unlisten = await hub.listen(name, (message) => message === '4' && heardLast());
    await redis.publish(channelName(REDIS, name), '{not json');
    for (const n of [1, 2, 3, 4]) await publish(redis, REDIS, name, n);
    await lastHeard;
    await unlisten();
    const seen: number[] = [];
    for (let i = 0; i < 2; i++) seen.push((await events.next()).value as number);
    expect(seen).toEqual([3, 4]);
    await events.return(undefined);
  });

  it('parses a message once for every subscriber of its channel, with each parser', async () => {
    const name = `once-${randomBytes(4).toString('hex')}`;
    const parsed: string[] = [];
    const countingParse = (message: string) => {
      parsed.push(message);
      return JSON.parse(message) as { n: number };
    };
    const counted = [1, 2, 3].map(() => channelIterator(hub, name, { parse: countingParse }));
    const plain = channelIterator<{ n: number }>(hub, name);
    await Promise.all([...counted, plain].map((events) => events.ready));
    for (const n of [1, 2]) await publish(redis, REDIS, name, { n });
    const firsts: unknown[] = [];
    for (const events of [...counted, plain]) {
      firsts.push((await events.next()).value);
      expect((await events.next()).value).toEqual({ n: 2 });
    }
    // Three subscribers with one parser, two messages: two parses, and the three share each event.
    expect(parsed).toEqual(['{"n":1}', '{"n":2}']);
    expect(firsts[1]).toBe(firsts[0]);
    expect(firsts[2]).toBe(firsts[0]);
    expect(firsts[3]).toEqual({ n: 1 });
    await Promise.all([...counted, plain].map((events) => events.return(undefined)));
  });
});

describe('attachSubscriptions', () => {
  it('serves a Subscription field from Redis over graphql-ws and cleans up on unsubscribe', async () => {
    const channel = `ticks-${randomBytes(4).toString('hex')}`;
    const { client } = connect();
    const query = 'subscription($c: String!) { ticks(channel: $c) }';
    const ticks = client.iterate<{ ticks: number }>({ query, variables: { c: channel }, extensions: signedAs(null, query, { c: channel }, 'req-ticks') });
    const first = ticks.next();
    await expect.poll(() => subscribers(channel)).toBe(1);
    await publish(redis, REDIS, channel, 1);
    await publish(redis, REDIS, channel, 2);
    expect((await first).value).toEqual({ data: { ticks: 2 } });
    await ticks.return?.();
    await expect.poll(() => subscribers(channel)).toBe(0);
  });

  it('verifies the identity of each subscription, signed over its own query and variables', async () => {
    const { client } = connect();
    const query = '{ whoAmI }';
    const own = signedAs({ userId: 'op-user', role: 'ADMIN' }, query, undefined, 'req-op');
    expect((await client.iterate({ query, extensions: own }).next()).value).toEqual({ data: { whoAmI: 'op-user@req-op' } });
    expect((await client.iterate({ query, extensions: signedAs(null, query, undefined, 'req-anon') }).next()).value).toEqual({ data: { whoAmI: 'anonymous@req-anon' } });
  });

  it('refuses (4403) an unsigned connection, an unsigned subscription, and one signed for another subgraph or another query', async () => {
    const unsigned = connect({});
    await expect(unsigned.client.iterate({ query: '{ whoAmI }' }).next()).rejects.toMatchObject({ code: 4403 });
    for (const extensions of [undefined, signedAs(null, '{ whoAmI }', undefined, 'r1', 'user'), signedAs(null, '{ __typename }', undefined, 'r2')]) {
      const attempt = connect();
      await expect(attempt.client.iterate({ query: '{ whoAmI }', ...(extensions ? { extensions } : {}) }).next()).rejects.toBeDefined();
      expect((await attempt.closed).code).toBe(4403);
    }
  });

  it('closes with 4403 on a forged connection identity and on a forged subscription identity', async () => {
    const byConnection = connect({ headers: signIdentityHeaders('not-the-secret', null, connectionTarget('ticks'), 'req-x') });
    await expect(byConnection.client.iterate({ query: '{ whoAmI }' }).next()).rejects.toMatchObject({ code: 4403 });
    expect((await byConnection.closed).code).toBe(4403);

    const bySubscription = connect();
    const forged = signedAs({ userId: 'mallory', role: 'ADMIN' }, '{ whoAmI }', undefined, 'req-x', 'ticks', 'not-the-secret');
    await expect(bySubscription.client.iterate({ query: '{ whoAmI }', extensions: forged }).next()).rejects.toBeDefined();
    expect(await bySubscription.closed).toEqual(expect.objectContaining({ code: 4403, reason: 'Forbidden: identity forged' }));
  });
});
