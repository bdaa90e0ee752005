import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blacklistKey, createLogger, createRedis, signAccessToken, type Identity, type Redis } from '@anshim/platform';
import { composeSupergraph } from '../../scripts/lib/compose.ts';
import type { SettingsOverrides } from './support/gateway-settings.ts';
import { closedPort, disposeAll, startTestGateway, testRedis, testSecret, type Leftovers } from './support/test-gateway.ts';
import { buildTestUserSubgraph, EXPLODING_USER_ID, LEAKED_DETAIL, USER_SUBGRAPH_SDL, type TestUserSubgraph } from './support/user-subgraph.ts';

const INTERNAL_SECRET = testSecret();
const JWT_SECRET = testSecret();
const REDIS = testRedis('gw');
const ALICE: Identity = { userId: 'user-alice', role: 'USER' };

const leftovers: Leftovers = [];
let subgraph: TestUserSubgraph;
let subgraphUrl: string;
let supergraphSdl: string;
let redis: Redis;
let devUrl: string;
let prodUrl: string;

/** `env`: as a deployment sets it (NODE_ENV=production turns introspection off with it). */
async function startGateway(overrides: SettingsOverrides, env: Record<string, string> = {}): Promise<string> {
  const { url, operationsUrl } = await startTestGateway({
    settings: {
      redis: REDIS,
      subgraphUrls: { user: subgraphUrl },
      // A supergraph of the user subgraph alone: no file or payment routes.
      subgraphRoles: { filePassThrough: [], paymentPassThrough: null },
      subgraphTimeoutMs: 5_000,
      ...overrides,
    },
    env,
    supergraphSdl,
    internalSecret: INTERNAL_SECRET,
    jwtSecret: JWT_SECRET,
    logger: createLogger('gateway-test', 'silent'),
    leftovers,
  });
  operationsOf.set(url, operationsUrl!);
  return url;
}

/** Each started gateway's operations port (its /metrics and detailed /readyz). */
const operationsOf = new Map<string, string>();


interface Answer {
  status: number;
  headers: Headers;
  body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer['body'] };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const requestId = () => `gw-test-${randomBytes(6).toString('hex')}`;

beforeAll(async () => {
  subgraph = await buildTestUserSubgraph(INTERNAL_SECRET);
  leftovers.push(() => subgraph.server.stop());
  subgraphUrl = (await subgraph.server.start(0)).url;
  // Composed with a URL nothing answers on: every test also proves SUBGRAPH_URLS wins.
  const composition = composeSupergraph([{ name: 'user', sdl: USER_SUBGRAPH_SDL, url: `http://127.0.0.1:${await closedPort()}/graphql` }]);
  if (!composition.ok) throw new Error(JSON.stringify(composition.problems));
  supergraphSdl = composition.supergraphSdl;
  redis = createRedis(REDIS);
  leftovers.push(async () => {
    const keys = await redis.keys('*'); // already prefixed: this file's keys only
    if (keys.length) await redis.del(...keys.map((key) => key.slice(`${REDIS.prefix}:`.length)));
    redis.disconnect();
  });
  devUrl = await startGateway({});
  prodUrl = await startGateway({}, { NODE_ENV: 'production' });
});

afterAll(() => disposeAll(leftovers));

describe('gateway authentication', () => {
  it('lets an anonymous caller through: me is null and no identity is forwarded', async () => {
    const id = requestId();
    const answer = await post(devUrl, { query: '{ me { id } }' }, { 'x-request-id': id });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { me: null } });
    expect(subgraph.seen.find((s) => s.requestId === id)).toEqual({ identity: null, requestId: id, locale: 'ko' });
  });

  it('forwards a valid token as a signed identity the subgraph verifies, with request id and language', async () => {
    const { token } = await signAccessToken(JWT_SECRET, ALICE);
    const id = requestId();
    const answer = await post(devUrl, { query: '{ me { id role } }' }, { ...bearer(token), 'x-request-id': id, 'accept-language': 'en-US,en;q=0.9' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { me: { id: ALICE.userId, role: 'USER' } } });
    expect(answer.headers.get('x-request-id')).toBe(id);
    expect(subgraph.seen.find((s) => s.requestId === id)).toEqual({ identity: ALICE, requestId: id, locale: 'en' });
  });

  it('signs the app\'s X-Device-Id, the socket address and the User-Agent for the subgraph; a malformed id and an untrusted X-Forwarded-For are not believed', async () => {
    const id = requestId();
    await post(devUrl, { query: '{ me { id } }' }, { 'x-request-id': id, 'x-device-id': 'ios-3f9a2c', 'x-forwarded-for': '198.51.100.77', 'user-agent': 'Anshim/2.3 (Android 14)' });
    expect(subgraph.clients.get(id)).toEqual({ deviceId: 'ios-3f9a2c', address: '127.0.0.1', userAgent: 'Anshim/2.3 (Android 14)' });
    const other = requestId();
    await post(devUrl, { query: '{ me { id } }' }, { 'x-request-id': other, 'x-device-id': 'x'.repeat(129) });
    expect(subgraph.clients.get(other)).toEqual({ deviceId: null, address: '127.0.0.1', userAgent: 'node' });
    // A client cannot hand the subgraph its own "signed" client header: the gateway signs only what it saw.
    const forged = requestId();
    await post(devUrl, { query: '{ me { id } }' }, { 'x-request-id': forged, 'x-anshim-client': 'd=someone-else&a=10.9.9.9' });
    expect(subgraph.clients.get(forged)).toEqual({ deviceId: null, address: '127.0.0.1', userAgent: 'node' });
  });

  const badTokens: Array<[string, () => Promise<string>, string]> = [
    ['garbage', async () => 'not-a-jwt', 'invalid'],
    ['expired', async () => (await signAccessToken(JWT_SECRET, ALICE, Date.now() - 16 * 60_000)).token, 'expired'],
    ['forged', async () => (await signAccessToken(randomBytes(32).toString('hex'), { userId: 'mallory', role: 'ADMIN' })).token, 'invalid'],
    [
      'blacklisted',
      async () => {
        const { token, claims } = await signAccessToken(JWT_SECRET, ALICE);
        await redis.set(blacklistKey(claims.jti), '1', 'EX', 60);
        return token;
      },
      'revoked',
    ],
  ];
  it.each(badTokens)('refuses a %s token with 401 UNAUTHENTICATED, no stack, and never reaches the subgraph', async (_, makeToken, reason) => {
    const id = requestId();
    const answer = await post(devUrl, { query: '{ me { id } }' }, { ...bearer(await makeToken()), 'x-request-id': id });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(answer.body.errors).toHaveLength(1);
    expect(answer.body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason });
    expect(subgraph.seen.some((s) => s.requestId === id)).toBe(false);
  });

  it('refuses an Authorization header that is not a Bearer token', async () => {
    const answer = await post(devUrl, { query: '{ me { id } }' }, { authorization: 'Basic dXNlcjpwYXNz', 'accept-language': 'en' });
    expect(answer.status).toBe(401);
    expect(answer.body.errors?.[0]).toMatchObject({ message: expect.stringContaining('Bearer'), extensions: { code: 'UNAUTHENTICATED', reason: 'malformed' } });
  });
});

describe('gateway HTTP handling', () => {
  it('answers a body that is not JSON with 400 BAD_REQUEST', async () => {
    const answer = await post(devUrl, '{"query": "{ me { id } }"');
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_REQUEST' });
  });

  it('refuses a body over 1 MB', async () => {
    const answer = await post(devUrl, { query: `{ me { id } } # ${'x'.repeat(1_100_000)}` });
    expect(answer.status).toBe(413);
    expect(answer.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_REQUEST' });
  });

  it('answers a subscription over HTTP with 400 and says to use graphql-ws', async () => {
    const english = await post(devUrl, { query: 'subscription { userChanged { id } }' }, { 'accept-language': 'en' });
    expect(english.status).toBe(400);
    expect(english.body).toEqual({
      errors: [{ message: 'Subscriptions need a WebSocket (graphql-ws) connection to /graphql: graphql-ws works on this same path and port.', extensions: { code: 'BAD_REQUEST' } }],
    });
    const korean = await post(devUrl, { query: 'subscription OnChange { userChanged { id } }', operationName: 'OnChange' });
    expect(korean.status).toBe(400);
    expect(korean.body.errors?.[0]?.message).toContain('WebSocket(graphql-ws)');
  });

  it('runs the query of a document that also holds a subscription', async () => {
    const query = 'query Me { me { id } } subscription OnChange { userChanged { id } }';
    const answer = await post(devUrl, { query, operationName: 'Me' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { me: null } });
  });

  it('keeps CSRF prevention on: a simple GET without a preflight header is refused', async () => {
    const response = await fetch(`${devUrl}?query=${encodeURIComponent('{ me { id } }')}`);
    expect(response.status).toBe(400);
  });

  it('makes a request id when the client sends none or a malformed one', async () => {
    for (const headers of [{}, { 'x-request-id': 'not ok; <script>' }] as Array<Record<string, string>>) {
      const answer = await post(devUrl, { query: '{ me { id } }' }, headers);
      const id = answer.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(subgraph.seen.some((s) => s.requestId === id)).toBe(true);
    }
  });
});

describe('gateway operational routes', () => {
  it('answers plain /healthz and a status-only /readyz on the public port, and no /metrics there', async () => {
    const base = new URL(devUrl).origin;
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(health.headers.get('x-request-id')).toBeTruthy();
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
  });

  it('serves the detailed /readyz and /metrics on the operations port (loopback)', async () => {
    const ops = operationsOf.get(devUrl)!;
    expect(new URL(ops).hostname).toBe('127.0.0.1');
    expect(new URL(ops).port).not.toBe(new URL(devUrl).port);
    const ready = await fetch(`${ops}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { redis: 'ok', 'subgraph:user': 'ok' } });
    const metrics = await fetch(`${ops}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('anshim_graphql_operation_duration_seconds');
  });

  it('reports a subgraph that does not answer as down on /readyz (503)', async () => {
    const url = await startGateway({ subgraphUrls: { user: `http://127.0.0.1:${await closedPort()}/graphql` } });
    expect((await fetch(`${new URL(url).origin}/readyz`)).status).toBe(503);
    const ready = await fetch(`${operationsOf.get(url)}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { status: string; checks: Record<string, string> };
    expect(body.status).toBe('unavailable'); // its only subgraph is down: nothing left to serve
    expect(body.checks.redis).toBe('ok');
    expect(body.checks['subgraph:user']).toMatch(/^down: /);
  });

  it('refuses SUBGRAPH_URLS naming a subgraph the supergraph does not have', async () => {
    await expect(startGateway({ subgraphUrls: { user: subgraphUrl, shipping: 'http://127.0.0.1:1/graphql' } })).rejects.toThrow(/unknown subgraph\(s\): shipping/);
  });

  it('refuses pass-through and token settings naming a subgraph the supergraph does not have', async () => {
    await expect(startGateway({ subgraphRoles: { authPassThrough: 'accounts', filePassThrough: ['transaction'] } })).rejects.toThrow(
      'AUTH_PASS_THROUGH_SUBGRAPH names unknown subgraph(s): accounts; PAYMENT_PASS_THROUGH_SUBGRAPH names unknown subgraph(s): payment; FILE_PASS_THROUGH_SUBGRAPHS names unknown subgraph(s): transaction (the supergraph has user)',
    );
  });
});

describe('gateway in production mode', () => {
  it('masks an unexpected subgraph error: generic message, no stack, no internals', async () => {
    const query = { query: `{ user(id: "${EXPLODING_USER_ID}") { id } }` };
    const dev = await post(devUrl, query);
    expect(JSON.stringify(dev.body)).toContain(LEAKED_DETAIL); // development shows what broke
    const prod = await post(prodUrl, query);
    expect(prod.status).toBe(200);
    expect(prod.body.data).toEqual({ user: null });
    expect(prod.body.errors).toEqual([{ message: expect.any(String), path: ['user'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    expect(JSON.stringify(prod.body)).not.toContain(LEAKED_DETAIL);
  });

  it('refuses a bad token without a stack trace', async () => {
    const answer = await post(prodUrl, { query: '{ me { id } }' }, bearer('garbage'));
    expect(answer.status).toBe(401);
    expect(answer.body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'invalid' });
  });

  it('turns introspection off', async () => {
    const answer = await post(prodUrl, { query: '{ __schema { queryType { name } } }' });
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', validationErrorCode: 'INTROSPECTION_DISABLED' });
  });
});
