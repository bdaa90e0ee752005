// The lean /graphql path (src/lean-http.ts) answers exactly what express and Apollo answer: two
// gateways on the same supergraph, subgraph and Redis, one with GATEWAY_LEAN_HTTP on and one with
// it off, get the same requests (the same x-request-id) and must send the same status, the same
// response headers (name casing and order included; only Date and the connection's own differ) and
// the same body bytes. /metrics says which requests the lean path answered itself, so a case that
// silently fell through to express on both sides cannot pass for a lean one.
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, signAccessToken } from '@anshim/platform';
import { composeSupergraph } from '../../scripts/lib/compose.ts';
import { closedPort, disposeAll, startTestGateway, testRedis, testSecret, type Leftovers } from './support/test-gateway.ts';
import { buildTestUserSubgraph, EXPLODING_USER_ID, USER_SUBGRAPH_SDL } from './support/user-subgraph.ts';

const INTERNAL_SECRET = testSecret();
const JWT_SECRET = testSecret();
const REDIS = testRedis('lean');
const leftovers: Leftovers = [];

interface Pair {
  lean: { url: string; operationsUrl: string };
  express: { url: string; operationsUrl: string };
}
const pairs: Record<'dev' | 'production', Pair> = {} as Record<'dev' | 'production', Pair>;

interface RawAnswer {
  status: number;
  /** Name/value pairs as sent, without Date, Connection and Keep-Alive (the moment's and the socket's). */
  headers: string[];
  body: Buffer;
}

function send(url: string, body: string, headers: Record<string, string>, path = '/graphql'): Promise<RawAnswer> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: target.hostname, port: target.port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const headers: string[] = [];
        for (let i = 0; i < response.rawHeaders.length; i += 2) {
          const name = response.rawHeaders[i]!;
          if (!['date', 'connection', 'keep-alive'].includes(name.toLowerCase())) headers.push(`${name}: ${response.rawHeaders[i + 1]}`);
        }
        resolve({ status: response.statusCode!, headers, body: Buffer.concat(chunks) });
      });
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

async function leanAnswered(operationsUrl: string): Promise<number> {
  const text = await (await fetch(`${operationsUrl}/metrics`)).text();
  // `gateway_lean_http_requests_total{service="gateway"} 3`
  const line = text.split('\n').find((row) => row.startsWith('gateway_lean_http_requests_total{'));
  return Number(line?.split(' ').at(-1) ?? Number.NaN);
}

/** The same request to both gateways of a pair; answers side by side, and whether the lean one answered it itself. */
async function both(pair: Pair, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const id = `lean-${randomBytes(6).toString('hex')}`;
  const before = await leanAnswered(pair.lean.operationsUrl);
  const lean = await send(pair.lean.url, text, { 'x-request-id': id, ...headers });
  const viaExpress = await send(pair.express.url, text, { 'x-request-id': id, ...headers });
  const answeredLean = (await leanAnswered(pair.lean.operationsUrl)) - before === 1;
  return { lean, viaExpress, answeredLean };
}

function expectSame(lean: RawAnswer, viaExpress: RawAnswer): void {
  expect(lean.status).toBe(viaExpress.status);
  expect(lean.headers).toEqual(viaExpress.headers);
  expect(lean.body.toString('utf8')).toBe(viaExpress.body.toString('utf8'));
}

beforeAll(async () => {
  const subgraph = await buildTestUserSubgraph(INTERNAL_SECRET);
  leftovers.push(() => subgraph.server.stop());
  const subgraphUrl = (await subgraph.server.start(0)).url;
  const composition = composeSupergraph([{ name: 'user', sdl: USER_SUBGRAPH_SDL, url: `http://127.0.0.1:${await closedPort()}/graphql` }]);
  if (!composition.ok) throw new Error(JSON.stringify(composition.problems));
  const start = async (leanHttp: boolean, env: Record<string, string>) => {
    const { url, operationsUrl } = await startTestGateway({
      settings: { redis: REDIS, subgraphUrls: { user: subgraphUrl }, subgraphRoles: { filePassThrough: [], paymentPassThrough: null }, subgraphTimeoutMs: 5_000, leanHttp },
      env,
      supergraphSdl: composition.supergraphSdl,
      internalSecret: INTERNAL_SECRET,
      jwtSecret: JWT_SECRET,
      logger: createLogger('gateway-test', 'silent'),
      leftovers,
    });
    return { url, operationsUrl: operationsUrl! };
  };
  for (const [mode, env] of [['dev', {}], ['production', { NODE_ENV: 'production' }]] as const) {
    pairs[mode] = { lean: await start(true, env), express: await start(false, env) };
  }
});

afterAll(() => disposeAll(leftovers));

describe('the lean /graphql path answers byte for byte what express and Apollo answer', () => {
  it('a signed-in query, an anonymous one and a subgraph failure (masked in production), in both modes', async () => {
    const { token } = await signAccessToken(JWT_SECRET, { userId: 'user-alice', role: 'USER' });
    for (const mode of ['dev', 'production'] as const) {
      const signedIn = await both(pairs[mode], { query: '{ me { id role } }' }, { authorization: `Bearer ${token}`, 'accept-language': 'en' });
      expect(signedIn.answeredLean).toBe(true);
      expect(signedIn.lean.status).toBe(200);
      expect(JSON.parse(signedIn.lean.body.toString())).toEqual({ data: { me: { id: 'user-alice', role: 'USER' } } });
      expectSame(signedIn.lean, signedIn.viaExpress);

      const anonymous = await both(pairs[mode], { query: 'query Me { me { id } }', operationName: 'Me', variables: {} });
      expect(anonymous.answeredLean).toBe(true);
      expectSame(anonymous.lean, anonymous.viaExpress);
    }
    const failure = await both(pairs.production, { query: 'query U($id: ID!) { user(id: $id) { id nickname } }', variables: { id: EXPLODING_USER_ID } });
    expect(failure.answeredLean).toBe(true);
    expect(JSON.parse(failure.lean.body.toString()).errors?.[0]?.extensions?.code).toBeDefined();
    expectSame(failure.lean, failure.viaExpress);
  });

  it('errors Apollo and the guard answer on the lean path: a bad token, a syntax error, a validation error, unknown variables (production: no stack traces)', async () => {
    const pair = pairs.production;
    const cases: Array<[unknown, Record<string, string>, number]> = [
      [{ query: '{ me { id } }' }, { authorization: 'Bearer not-a-jwt' }, 401],
      [{ query: '{ me { id ' }, {}, 400],
      [{ query: '{ me { nope } }' }, { 'accept-language': 'ko' }, 400],
      [{ query: 'query U($id: ID!) { user(id: $id) { id } }', variables: { id: { not: 'an id' } } }, {}, 400],
      [{ query: '{ me { id } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } }, {}, 400],
    ];
    for (const [body, headers, status] of cases) {
      const { lean, viaExpress, answeredLean } = await both(pair, body, headers);
      expect(answeredLean).toBe(true);
      expect(lean.status).toBe(status);
      expectSame(lean, viaExpress);
    }
  });

  it('what the lean path hands to express is answered as before: bad JSON, a batch, a subscription, a refused shape, a query string', async () => {
    const pair = pairs.production;
    const aliases = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
    const cases: Array<[unknown, number]> = [
      ['{"query": "{ me { id } }"', 400],
      ['"just a string"', 400],
      [[{ query: '{ me { id } }' }, { query: '{ me { role } }' }], 200],
      [{ query: 'subscription { userChanged { id } }' }, 400],
      [{ query: aliases }, 400],
    ];
    for (const [body, status] of cases) {
      const { lean, viaExpress, answeredLean } = await both(pair, body);
      expect(answeredLean).toBe(false);
      expect(lean.status).toBe(status);
      expectSame(lean, viaExpress);
    }
    const id = `lean-${randomBytes(6).toString('hex')}`;
    const withSearch = await send(pair.lean.url, JSON.stringify({ query: '{ me { id } }' }), { 'x-request-id': id }, '/graphql?x=1');
    const withSearchExpress = await send(pair.express.url, JSON.stringify({ query: '{ me { id } }' }), { 'x-request-id': id }, '/graphql?x=1');
    expectSame(withSearch, withSearchExpress);
  });
});
