// Issue 16 §3 at the gateway, on real gateways (port 0) in front of a real subgraph, with real
// Redis: caps on open graphql-ws connections per address (an IPv6 client's /64) and per member
// (4429 with a reason), rate limits bucketed per /64, sensitive limits that fail closed when the
// gateway's Redis is unreachable while ordinary ones fail open, and the token and shape limits
// running before graphql's own validation over HTTP and graphql-ws. Client addresses come
// through X-Forwarded-For, believed because TRUSTED_PROXIES=loopback.
import { randomBytes } from 'node:crypto';
import { parse } from 'graphql';
import { createClient, type Client, type ExecutionResult } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildSubgraphServer, createLogger, signAccessToken, type Identity, type RequestContext } from '@anshim/platform';
import { composeSupergraph } from '../../scripts/lib/compose.ts';
import { NO_SUBGRAPH_ROLES, type SettingsOverrides } from './support/gateway-settings.ts';
import { closedPort, disposeAll, startTestGateway, testRedis, testSecret, type Leftovers } from './support/test-gateway.ts';

const INTERNAL_SECRET = testSecret();
const JWT_SECRET = testSecret();
const REDIS = testRedis('gwcap');
const logger = createLogger('connection-limits-test', process.env.TEST_LOG_LEVEL ?? 'silent');

const SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
type User @key(fields: "id") { id: ID! nickname: String! friends: [User!]! }
type Query { user(id: ID!): User }
type Mutation { login(email: String!, password: String!): String }
`;

const leftovers: Leftovers = [];
let supergraphSdl: string;
let subgraphUrl: string;

async function startGateway(overrides: SettingsOverrides = {}): Promise<{ http: string; ws: string }> {
  const { url, ws } = await startTestGateway({
    settings: {
      redis: REDIS,
      subgraphUrls: { people: subgraphUrl },
      subgraphRoles: NO_SUBGRAPH_ROLES,
      subscriptions: { connectionCaps: { perAddress: 3, perMember: 2 } },
      limits: {
        trustedProxies: 'loopback',
        rateLimits: { perIp: { max: 4, windowSeconds: 60 }, perUser: { max: 1_000, windowSeconds: 60 }, sensitiveFields: ['login'], sensitive: { max: 100, windowSeconds: 60 } },
      },
      ...overrides,
    },
    supergraphSdl,
    internalSecret: INTERNAL_SECRET,
    jwtSecret: JWT_SECRET,
    logger,
    leftovers,
  });
  return { http: url, ws };
}

let gateway: { http: string; ws: string };

beforeAll(async () => {
  const server = await buildSubgraphServer<RequestContext>({
    name: 'people',
    typeDefs: parse(SDL),
    production: false,
    internalSecret: INTERNAL_SECRET,
    logger,
    readiness: [],
    buildContext: (base) => base,
    resolvers: {
      Query: { user: (_: unknown, { id }: { id: string }) => ({ id }) },
      Mutation: { login: () => 'signed-in' },
      User: { nickname: ({ id }: { id: string }) => `nick-${id}`, friends: () => [] },
    },
  });
  leftovers.push(() => server.stop());
  subgraphUrl = (await server.start(0)).url;
  const composition = composeSupergraph([{ name: 'people', sdl: SDL, url: subgraphUrl }]);
  if (!composition.ok) throw new Error(JSON.stringify(composition.problems));
  supergraphSdl = composition.supergraphSdl;
  gateway = await startGateway();
});

afterAll(() => disposeAll(leftovers, { tolerant: true }));

interface Closed {
  code: number;
  reason: string;
}

/** A raw graphql-ws socket "from" an address; resolves with its close, or 'open' once it is up and acknowledged. */
function rawSocket(url: string, from: string, connectionParams: Record<string, unknown> = {}): { acked: Promise<'acked' | Closed>; closed: Promise<Closed>; socket: WebSocket } {
  const socket = new WebSocket(url, 'graphql-transport-ws', { headers: { 'x-forwarded-for': from } });
  leftovers.push(async () => socket.terminate());
  const closed = new Promise<Closed>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const acked = new Promise<'acked' | Closed>((resolve) => {
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: connectionParams })));
    socket.on('message', (data) => {
      if ((JSON.parse(data.toString()) as { type: string }).type === 'connection_ack') resolve('acked');
    });
    void closed.then(resolve);
  });
  return { acked, closed, socket };
}

let nextHost = 0;
/** A client address no other test of this run uses. */
const v4 = () => `198.18.${Math.floor(++nextHost / 250)}.${1 + (nextHost % 250)}`;
const v6net = () => `2001:db8:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}`;

async function bearer(identity: Identity): Promise<string> {
  return `Bearer ${(await signAccessToken(JWT_SECRET, identity)).token}`;
}

async function post(url: string, query: string, from: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': from, 'accept-language': 'en' }, body: JSON.stringify({ query, variables }) });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } };
}

function over(client: Client, query: string): Promise<ExecutionResult> {
  return new Promise((resolve, reject) => {
    client.subscribe({ query }, { next: (value) => resolve(value as ExecutionResult), error: (error) => (Array.isArray(error) ? resolve({ errors: error }) : reject(error)), complete: () => undefined });
  });
}

describe('graphql-ws connection caps', () => {
  it('refuses a 4th open connection from one address with 4429, counting sockets that have not sent connection_init yet', async () => {
    const from = v4();
    const open = [rawSocket(gateway.ws, from), rawSocket(gateway.ws, from), rawSocket(gateway.ws, from)];
    for (const socket of open.slice(0, 2)) expect(await socket.acked).toBe('acked');
    // The 3rd never initialises and still takes its place.
    const third = open[2]!;
    await new Promise<void>((resolve) => (third.socket.readyState === WebSocket.OPEN ? resolve() : third.socket.once('open', () => resolve())));
    expect(await rawSocket(gateway.ws, from).closed).toEqual({ code: 4429, reason: 'Too many connections from this address' });
    expect(await rawSocket(gateway.ws, v4()).acked).toBe('acked'); // another address is not affected
    open[0]!.socket.close();
    await open[0]!.closed;
    expect(await rawSocket(gateway.ws, from).acked).toBe('acked'); // a place came free
  });

  it('counts an IPv6 client per /64: other addresses of the same /64 share its cap', async () => {
    const net = v6net();
    for (const address of [`${net}::1`, `${net}::2`, `${net}:abcd:1:2:3`]) expect(await rawSocket(gateway.ws, address).acked).toBe('acked');
    expect(await rawSocket(gateway.ws, `${net}::ffff`).closed).toMatchObject({ code: 4429 });
    expect(await rawSocket(gateway.ws, `${v6net()}::1`).acked).toBe('acked');
  });

  it('refuses a 3rd signed-in connection of one member with 4429, wherever it comes from', async () => {
    const member: Identity = { userId: `member-${randomBytes(4).toString('hex')}`, role: 'USER' };
    const first = rawSocket(gateway.ws, v4(), { authorization: await bearer(member) });
    const second = rawSocket(gateway.ws, v4(), { authorization: await bearer(member) });
    expect([await first.acked, await second.acked]).toEqual(['acked', 'acked']);
    expect(await rawSocket(gateway.ws, v4(), { authorization: await bearer(member) }).closed).toEqual({ code: 4429, reason: 'Too many connections for this member' });
    // Anonymous connections from elsewhere are not counted against the member.
    expect(await rawSocket(gateway.ws, v4()).acked).toBe('acked');
    first.socket.close();
    await first.closed;
    expect(await rawSocket(gateway.ws, v4(), { authorization: await bearer(member) }).acked).toBe('acked');
  });
});

describe('rate limits per /64', () => {
  it('charges every address of one IPv6 /64 to one counter', async () => {
    const net = v6net();
    for (let host = 1; host <= 4; host += 1) expect((await post(gateway.http, '{ __typename }', `${net}::${host}`)).status).toBe(200);
    const refused = await post(gateway.http, '{ __typename }', `${net}:ffff:ffff:ffff:ffff`);
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect((await post(gateway.http, '{ __typename }', `${v6net()}::1`)).status).toBe(200); // the next /64 has its own
  });
});

describe('without Redis', () => {
  let down: { http: string; ws: string };
  beforeAll(async () => {
    // Its Redis is a port nothing listens on.
    down = await startGateway({ redis: { url: `redis://127.0.0.1:${await closedPort()}/0`, prefix: REDIS.prefix } });
  });

  it('refuses sign-in with 503 TEMPORARILY_UNAVAILABLE (fail closed) but lets ordinary operations through (fail open)', async () => {
    const login = await post(down.http, 'mutation { login(email: "a@example.com", password: "x") }', v4());
    expect(login.status).toBe(503);
    expect(login.body.errors).toEqual([
      { message: 'This request cannot be handled safely right now. Please try again in a moment.', extensions: { code: 'TEMPORARILY_UNAVAILABLE', retryable: true, reason: 'RATE_LIMITER_UNAVAILABLE' } },
    ]);
    const ordinary = await post(down.http, '{ user(id: "u1") { nickname } }', v4());
    expect(ordinary).toEqual({ status: 200, body: { data: { user: { nickname: 'nick-u1' } } } });
  }, 30_000);
});

const manyFields = (n: number) => `{ user(id: "u1") { ${'nickname '.repeat(n)} } }`;
/** Aliases on fields that do not exist: graphql's validation would call it invalid, the alias limit comes first. */
const invalidAliases = (n: number) => `{ user(id: "u1") { ${Array.from({ length: n }, (_, i) => `a${i}: nope`).join(' ')} } }`;
/** Each fragment spreads the next twice: 2^levels aliased fields from a few hundred tokens. */
const fragmentBomb = (levels: number) =>
  `{ user(id: "u1") { ...F0 } } ${Array.from({ length: levels }, (_, i) => `fragment F${i} on User { ...F${i + 1} ...F${i + 1} }`).join(' ')} fragment F${levels} on User { n: nickname }`;

describe('token and shape limits before graphql validation', () => {
  it('refuses a 3,000-field document for its tokens (QUERY_TOO_COMPLEX, TOKENS) over HTTP', async () => {
    const answer = await post(gateway.http, manyFields(3_000), v4());
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([{ message: 'The request document is too large (at most 2000 tokens).', extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'TOKENS', max: 2_000 } }]);
  });

  it('measures the shape first: an invalid document over the alias limit is refused for its aliases, not by validation', async () => {
    const answer = await post(gateway.http, invalidAliases(40), v4());
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'ALIASES', max: 30, actual: 40 });
  });

  it('measures each fragment once: a fragment bomb is refused for its aliases instead of being walked 2^40 times', async () => {
    const answer = await post(gateway.http, fragmentBomb(40), v4());
    expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'ALIASES', actual: 2 ** 40 });
  });

  it('applies the same over graphql-ws, before validation', async () => {
    const client = createClient({ url: gateway.ws, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { 'accept-language': 'en' } });
    leftovers.push(async () => client.dispose());
    expect((await over(client, manyFields(3_000))).errors?.[0]).toMatchObject({ message: 'The request document is too large (at most 2000 tokens).', extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'TOKENS' } });
    expect((await over(client, invalidAliases(40))).errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'ALIASES', max: 30, actual: 40 });
    expect((await over(client, fragmentBomb(40))).errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'ALIASES' });
    // A fine document still runs on the same socket.
    expect(await over(client, '{ user(id: "u2") { nickname } }')).toEqual({ data: { user: { nickname: 'nick-u2' } } });
  });
});
