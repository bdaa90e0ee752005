// The gateway's /auth pass-through is an allow-list: raw, unnormalized request targets (sent with
// node:http so nothing cleans them up on the way) that climb out of /auth, pick another host or use
// a method the route does not have are 404/400 and fetch nothing — a canary server and the
// services' own recorders all see zero requests — while the real OIDC, ID card and file routes
// pass. Which subgraph serves them is configuration (the defaults here: user for /auth,
// transaction and report for files); the route shapes are the gateway's.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bodySha256, createLogger, STREAMED_BODY, verifyIdentityHeaders } from '@anshim/platform';
import { composeSupergraph } from '../../scripts/lib/compose.ts';
import type { SettingsOverrides } from './support/gateway-settings.ts';
import { disposeAll, startTestGateway, testRedis, testSecret, type Leftovers } from './support/test-gateway.ts';
import { USER_SUBGRAPH_SDL } from './support/user-subgraph.ts';

interface Hit {
  method: string;
  url: string;
  body: string;
  headers?: IncomingMessage['headers'];
}

const lastHeaders = new WeakMap<Hit[], IncomingMessage['headers']>();

/** A plain HTTP server that records every request it gets and answers 200. */
async function recorder(): Promise<{ server: Server; port: number; hits: Hit[] }> {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      hits.push({ method: req.method ?? '', url: req.url ?? '', body: Buffer.concat(chunks).toString() });
      lastHeaders.set(hits, req.headers);
      res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'probe=1; Path=/auth' });
      res.end(JSON.stringify({ reached: req.url }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, hits };
}

/** Sends `path` exactly as given in the request line. */
function raw(port: number, method: string, path: string, body?: string): Promise<{ status: number; text: string; headers: IncomingMessage['headers'] }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: body ? { 'content-type': 'image/jpeg', 'content-length': Buffer.byteLength(body) } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString(), headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const CHECK_ID = '0b7f3c52-8a51-4c1e-9d7e-2f1a3b4c5d6e';
const INTERNAL_SECRET = testSecret();
const leftovers: Leftovers = [];
let user: Awaited<ReturnType<typeof recorder>>;
/** Stands for both subgraphs that keep files (transaction and report). */
let files: Awaited<ReturnType<typeof recorder>>;
let canary: Awaited<ReturnType<typeof recorder>>;
let supergraphSdl: string;
let gatewayPort: number;

/** A subgraph the test needs only by name (it keeps files). */
const fileStoreSdl = (field: string) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])\ntype Query { ${field}: String }`;

async function startGateway(overrides: SettingsOverrides = {}): Promise<number> {
  const { port } = await startTestGateway({
    // This supergraph has no payment subgraph: no /payments routes unless a test names one.
    settings: { redis: testRedis('pt'), limits: { rateLimits: null }, ...overrides, subgraphRoles: { paymentPassThrough: null, ...overrides.subgraphRoles } },
    supergraphSdl,
    internalSecret: INTERNAL_SECRET,
    logger: createLogger('pass-through-test', 'silent'),
    leftovers,
  });
  return port;
}

beforeAll(async () => {
  user = await recorder();
  files = await recorder();
  canary = await recorder();
  for (const { server } of [user, files, canary]) leftovers.push(() => new Promise((resolve) => server.close(resolve)));
  const composition = composeSupergraph([
    { name: 'user', sdl: USER_SUBGRAPH_SDL, url: `http://127.0.0.1:${user.port}/graphql` },
    { name: 'transaction', sdl: fileStoreSdl('transactionProbe'), url: `http://127.0.0.1:${files.port}/graphql` },
    { name: 'report', sdl: fileStoreSdl('reportProbe'), url: `http://127.0.0.1:${files.port}/graphql` },
  ]);
  if (!composition.ok) throw new Error(JSON.stringify(composition.problems));
  supergraphSdl = composition.supergraphSdl;
  gatewayPort = await startGateway();
});

afterAll(() => disposeAll(leftovers));

beforeEach(() => {
  user.hits.length = 0;
  files.hits.length = 0;
  canary.hits.length = 0;
});

describe('the /auth pass-through refuses everything off its allow-list before fetching', () => {
  const escapes: Array<[string, string]> = [
    ['GET', '/auth/../graphql'],
    ['POST', '/auth/../graphql'],
    ['GET', '/auth/%2e%2e/graphql'],
    ['GET', '/auth/%2E%2E/graphql'],
    ['GET', '/auth/..\\graphql'],
    ['GET', '/auth/..%5cgraphql'],
    ['GET', '/auth/../dev/messages'],
    ['GET', '/auth/oidc/local/../../../dev/messages'],
    ['GET', '/auth/oidc/local/start/../../../../graphql'],
    ['GET', '/auth/%2f..%2fgraphql'],
    ['GET', '/auth/%252e%252e/graphql'],
    ['GET', '/auth//graphql'],
    ['GET', '/auth/./oidc/local/start'],
    ['GET', '/auth/oidc/lo%00cal/start'],
    ['GET', '/auth/anything'],
    ['GET', '/auth'],
    ['POST', '/auth/oidc/local/start'],
    ['DELETE', '/auth/id-card/photo/' + CHECK_ID],
    ['GET', '/auth/id-card/upload/' + CHECK_ID],
    ['GET', '/auth/id-card/photo/not-a-uuid'],
    ['GET', '/auth/oidc/Local/start'],
    ['GET', '/transaction/files/../../graphql'],
    ['GET', '/transaction/files/products/%2e%2e/x.png'],
    ['PUT', '/report/files/..%2fgraphql'],
    ['GET', '/transaction/files'],
    ['DELETE', '/transaction/files/products/a/b.png'],
  ];
  it.each(escapes)('%s %s → 404, nothing fetched', async (method, path) => {
    const answer = await raw(gatewayPort, method, path);
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.text)).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
    expect(user.hits).toEqual([]);
    expect(files.hits).toEqual([]);
    expect(canary.hits).toEqual([]);
  });

  it('never fetches a host named by an absolute-form request line (no open proxy)', async () => {
    for (const path of [`http://127.0.0.1:${canary.port}/x`, `http://127.0.0.1:${canary.port}/auth/oidc/local/start`, `http://127.0.0.1:${canary.port}/auth/../x`]) {
      const answer = await raw(gatewayPort, 'GET', path);
      expect(answer.status, path).toBe(400);
    }
    expect(canary.hits).toEqual([]);
    expect(user.hits).toEqual([]);
  });

  it('has no files route for a service that stores no files', async () => {
    expect((await raw(gatewayPort, 'GET', '/safety/files/products/a/b.png')).status).toBe(404);
    expect(user.hits).toEqual([]);
  });

  it('answers in English on request', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: gatewayPort, path: '/auth/../graphql', headers: { 'accept-language': 'en' } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
    });
    expect(JSON.parse(answer).error.message).toBe('There is nothing at this address.');
  });
});

describe('the allow-listed routes reach exactly the user service', () => {
  it('passes the OIDC start, callback and link routes with their query string and Set-Cookie', async () => {
    const start = await raw(gatewayPort, 'GET', '/auth/oidc/local/start?link=abc%2F..');
    expect(start.status).toBe(200);
    expect(start.headers['set-cookie']).toEqual(['probe=1; Path=/auth']);
    await raw(gatewayPort, 'GET', '/auth/oidc/local/callback?code=c&state=s');
    await raw(gatewayPort, 'POST', '/auth/oidc/kakao/link', 'x');
    expect(user.hits.map(({ method, url }) => `${method} ${url}`)).toEqual([
      'GET /auth/oidc/local/start?link=abc%2F..',
      'GET /auth/oidc/local/callback?code=c&state=s',
      'POST /auth/oidc/kakao/link',
    ]);
    expect(canary.hits).toEqual([]);
  });

  it('streams an ID card upload (PUT) and a photo view (GET)', async () => {
    const upload = await raw(gatewayPort, 'PUT', `/auth/id-card/upload/${CHECK_ID}?exp=1&sig=s`, 'jpeg-bytes');
    expect(upload.status).toBe(200);
    await raw(gatewayPort, 'GET', `/auth/id-card/photo/${CHECK_ID}?exp=1&sig=s`);
    expect(user.hits).toEqual([
      { method: 'PUT', url: `/auth/id-card/upload/${CHECK_ID}?exp=1&sig=s`, body: 'jpeg-bytes' },
      { method: 'GET', url: `/auth/id-card/photo/${CHECK_ID}?exp=1&sig=s`, body: '' },
    ]);
  });

  it('signs what it passes on for the user service: method, path and body (uploads as STREAMED)', async () => {
    await raw(gatewayPort, 'POST', '/auth/oidc/local/link', '{"x":1}');
    const posted = lastHeaders.get(user.hits)!;
    const target = { method: 'POST', subgraph: 'user', path: '/auth/oidc/local/link', bodySha256: bodySha256('{"x":1}') };
    expect(verifyIdentityHeaders(INTERNAL_SECRET, posted, target)).toEqual({ ok: true, identity: null });
    expect(verifyIdentityHeaders(INTERNAL_SECRET, posted, { ...target, subgraph: 'transaction' })).toMatchObject({ ok: false });
    await raw(gatewayPort, 'PUT', `/auth/id-card/upload/${CHECK_ID}?exp=1&sig=s`, 'jpeg-bytes');
    const put = lastHeaders.get(user.hits)!;
    expect(verifyIdentityHeaders(INTERNAL_SECRET, put, { method: 'PUT', subgraph: 'user', path: `/auth/id-card/upload/${CHECK_ID}?exp=1&sig=s`, bodySha256: STREAMED_BODY })).toEqual({ ok: true, identity: null });
  });
});

const STORAGE_KEY = `evidence/owner-1/${CHECK_ID}.png`;

describe('which subgraph serves a route is configuration', () => {
  it('passes /<name>/files/<key> to each subgraph FILE_PASS_THROUGH_SUBGRAPHS names, as its own /files/<key>', async () => {
    expect((await raw(gatewayPort, 'GET', `/report/files/${STORAGE_KEY}?exp=1&sig=s`)).status).toBe(200);
    expect((await raw(gatewayPort, 'PUT', `/transaction/files/${STORAGE_KEY}?exp=1&sig=s`, 'png-bytes')).status).toBe(200);
    expect(files.hits.map(({ method, url }) => `${method} ${url}`)).toEqual([`GET /files/${STORAGE_KEY}?exp=1&sig=s`, `PUT /files/${STORAGE_KEY}?exp=1&sig=s`]);
    const put = lastHeaders.get(files.hits)!;
    expect(verifyIdentityHeaders(INTERNAL_SECRET, put, { method: 'PUT', subgraph: 'transaction', path: `/files/${STORAGE_KEY}?exp=1&sig=s`, bodySha256: STREAMED_BODY })).toEqual({ ok: true, identity: null });
    expect(user.hits).toEqual([]);
  });

  it('serves /auth from the subgraph AUTH_PASS_THROUGH_SUBGRAPH names, and no file route nobody is named for', async () => {
    const port = await startGateway({ subgraphRoles: { authPassThrough: 'report', filePassThrough: ['transaction'] } });
    expect((await raw(port, 'GET', '/auth/oidc/local/start')).status).toBe(200);
    expect((await raw(port, 'GET', `/report/files/${STORAGE_KEY}`)).status).toBe(404);
    expect(files.hits.map(({ method, url }) => `${method} ${url}`)).toEqual(['GET /auth/oidc/local/start']);
    expect(verifyIdentityHeaders(INTERNAL_SECRET, lastHeaders.get(files.hits)!, { method: 'GET', subgraph: 'report', path: '/auth/oidc/local/start', bodySha256: bodySha256('') })).toEqual({ ok: true, identity: null });
    expect(user.hits).toEqual([]);
  });
});
