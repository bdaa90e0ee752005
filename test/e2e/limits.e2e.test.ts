// The gateway's limits on real processes (user subgraph + gateway): rate limits per address, per
// user and on sign-in, answered with 429 RATE_LIMITED and Retry-After over HTTP and with
// RATE_LIMITED over graphql-ws (one budget for both); shape limits (depth, cost, aliases, root
// fields), batch and body size, over both transports. Each test takes its own client address
// through X-Forwarded-For, which the gateway believes because TRUSTED_PROXIES=loopback.
import { randomBytes, randomInt } from 'node:crypto';
import { createClient, type Client, type ExecutionResult } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { graphql, startStack, type Stack } from '../support/stack.ts';

// Sign-ups hash passwords (argon2): on a busy machine a test here can take longer than the default.
vi.setConfig({ testTimeout: 120_000 });

const LIMITS = {
  RATE_LIMITS: 'true',
  TRUSTED_PROXIES: 'loopback',
  RATE_LIMIT_PER_IP: '12',
  RATE_LIMIT_PER_USER: '8',
  RATE_LIMIT_WINDOW_SECONDS: '60',
  RATE_LIMIT_SENSITIVE_MAX: '3',
  RATE_LIMIT_SENSITIVE_WINDOW_SECONDS: '60',
  MAX_QUERY_DEPTH: '12',
  MAX_QUERY_COST: '5000',
  MAX_ALIASES: '30',
  MAX_ROOT_FIELDS: '20',
  MAX_BATCH_SIZE: '3',
  MAX_BODY_BYTES: '65536',
};

let stack: Stack;
const clients: Client[] = [];
beforeAll(async () => {
  stack = await startStack({ subgraphs: ['user'], env: LIMITS, startTimeoutMs: 90_000 });
}, 240_000);
afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await stack?.stop();
});

/** A client address of its own for each test: the counters are per address. */
const address = () => `198.51.${randomInt(0, 256)}.${randomInt(1, 255)}`;
const from = (ip: string, extra: Record<string, string> = {}) => ({ 'x-forwarded-for': ip, ...extra });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function register(): Promise<{ id: string; token: string }> {
  const email = `limits.${randomBytes(4).toString('hex')}@example.com`;
  const answer = await graphql<{ register: { accessToken: string; user: { id: string } } }>(
    stack.gatewayUrl,
    'mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }',
    { input: { email, password: 'correct horse battery', nickname: 'limits' } },
    from(address()),
  );
  if (!answer.body.data) throw new Error(JSON.stringify(answer.body.errors));
  return { id: answer.body.data.register.user.id, token: answer.body.data.register.accessToken };
}

/** graphql-ws client whose upgrade request comes "from" `ip` (via the trusted loopback proxy). */
function connect(ip: string, token?: string): Client {
  class FromAddress extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: from(ip) });
    }
  }
  const client = createClient({
    url: stack.gatewayUrl.replace(/^http/, 'ws'),
    webSocketImpl: FromAddress,
    retryAttempts: 0,
    lazy: true,
    // graphql-ws 6.4.2's client closes a lazy socket the moment its last operation ends (timeout 0);
    // an operation started in that instant rides the closing socket and is completed without a
    // result. Operations here run one after another, so the socket waits for the next one.
    lazyCloseTimeout: 60_000,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
  });
  clients.push(client);
  return client;
}

/** The first result of an operation over graphql-ws (errors included). */
function over(client: Client, query: string, variables: Record<string, unknown> = {}): Promise<ExecutionResult> {
  return new Promise((resolve, reject) => {
    const dispose = client.subscribe(
      { query, variables },
      {
        next: (value) => {
          resolve(value as ExecutionResult);
          dispose();
        },
        error: (error) => (Array.isArray(error) ? resolve({ errors: error }) : reject(error)),
        // After a result this is a no-op; without one, the socket went away under the operation.
        complete: () => reject(new Error(`the operation completed without a result: ${query.slice(0, 40)}`)),
      },
    );
  });
}

const LOGIN = 'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }';
const wrongLogin = { email: 'nobody@example.com', password: 'wrong password' };

describe('rate limits', () => {
  it('stops sign-in attempts past the sensitive window with 429, Retry-After and RATE_LIMITED, per address', async () => {
    const ip = address();
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const answer = await graphql(stack.gatewayUrl, LOGIN, wrongLogin, from(ip));
      expect(answer.body.errors?.[0]?.extensions?.code).not.toBe('RATE_LIMITED');
    }
    const refused = await graphql(stack.gatewayUrl, LOGIN, wrongLogin, from(ip, { 'accept-language': 'en' }));
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body.errors).toEqual([{ message: `Too many requests. Please try again in ${retryAfter} seconds.`, extensions: { code: 'RATE_LIMITED', retryAfter } }]);
    expect(refused.body.data).toBeUndefined();
    const korean = await graphql(stack.gatewayUrl, LOGIN, wrongLogin, from(ip));
    expect(korean.body.errors?.[0]?.message).toContain('요청이 너무 많습니다');
    // Another address has its own window; other fields from the same address still run.
    const other = await graphql(stack.gatewayUrl, LOGIN, wrongLogin, from(address()));
    expect(other.body.errors?.[0]?.extensions?.code).not.toBe('RATE_LIMITED');
    const me = await graphql(stack.gatewayUrl, '{ me { id } }', {}, from(ip));
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ data: { me: null } });
  });

  it('holds every account field that takes a password or a code to the same window per address (signIn, codes, reset, OIDC sign-up)', async () => {
    const calls: Array<[string, string, Record<string, unknown>]> = [
      ['signIn', 'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { auth { accessToken } } }', { e: 'nobody@example.com', p: 'wrong-passphrase' }],
      ['completeSignIn', 'mutation($c: ID!, $k: String!) { completeSignIn(challengeId: $c, code: $k) { accessToken } }', { c: '00000000-0000-4000-8000-000000000000', k: '000000' }],
      ['requestPasswordReset', 'mutation($e: String!) { requestPasswordReset(email: $e) }', { e: 'nobody@example.com' }],
      ['resetPassword', 'mutation($e: String!, $k: String!, $p: String!) { resetPassword(email: $e, code: $k, newPassword: $p) }', { e: 'nobody@example.com', k: '000000', p: 'a-long-new-passphrase' }],
      ['completeOidcSignUp', 'mutation($c: String!, $n: String!) { completeOidcSignUp(code: $c, nickname: $n) { accessToken } }', { c: 'made-up', n: '누구' }],
    ];
    for (const [field, query, variables] of calls) {
      const ip = address();
      for (let attempt = 1; attempt <= 3; attempt += 1) {
        expect((await graphql(stack.gatewayUrl, query, variables, from(ip))).body.errors?.[0]?.extensions?.code, field).not.toBe('RATE_LIMITED');
      }
      const refused = await graphql(stack.gatewayUrl, query, variables, from(ip));
      expect(refused.status, field).toBe(429);
      expect(refused.body.errors?.[0]?.extensions?.code, field).toBe('RATE_LIMITED');
    }
  });

  it('counts an aliased sensitive field once per occurrence', async () => {
    const ip = address();
    const twice = 'mutation { a: login(email: "nobody@example.com", password: "x") { accessToken } b: login(email: "nobody@example.com", password: "y") { accessToken } }';
    const first = await graphql(stack.gatewayUrl, twice, {}, from(ip));
    expect(first.status).toBe(200);
    const second = await graphql(stack.gatewayUrl, twice, {}, from(ip));
    expect(second.status).toBe(429); // 2 + 2 > 3: refused whole, nothing charged
    const single = await graphql(stack.gatewayUrl, LOGIN, wrongLogin, from(ip));
    expect(single.body.errors?.[0]?.extensions?.code).not.toBe('RATE_LIMITED'); // the 3rd attempt
  });

  it('limits every operation per address', async () => {
    const ip = address();
    for (let i = 0; i < 12; i += 1) expect((await graphql(stack.gatewayUrl, '{ __typename }', {}, from(ip))).status).toBe(200);
    const refused = await graphql(stack.gatewayUrl, '{ __typename }', {}, from(ip));
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });

  it('limits a signed-in user wherever they call from, over HTTP and graphql-ws alike', async () => {
    const user = await register();
    for (let i = 0; i < 4; i += 1) {
      const answer = await graphql(stack.gatewayUrl, '{ me { id } }', {}, from(address(), bearer(user.token)));
      expect(answer.body).toEqual({ data: { me: { id: user.id } } });
    }
    const socket = connect(address(), user.token);
    for (let i = 0; i < 4; i += 1) expect(await over(socket, '{ me { id } }')).toEqual({ data: { me: { id: user.id } } });
    const refusedOverSocket = await over(socket, '{ me { id } }');
    expect(refusedOverSocket.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    const subscription = await over(socket, 'subscription { myRiskAlerts { id } }');
    expect(subscription.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    const refusedOverHttp = await graphql(stack.gatewayUrl, '{ me { id } }', {}, from(address(), bearer(user.token)));
    expect(refusedOverHttp.status).toBe(429);
    expect(refusedOverHttp.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });
});

const deep = (levels: number) => `{ me ${'{ products { seller '.repeat(levels)}{ id }${' }'.repeat(levels * 2)} }`;
const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} me { ${Array.from({ length: n }, (_, i) => `n${i}: nickname`).join(' ')} } }`;

describe('shape limits', () => {
  const refusals: Array<[string, string, Record<string, unknown>]> = [
    ['too deep', deep(6), { limit: 'DEPTH', max: 12, actual: 14 }],
    ['too costly', '{ popularProducts(first: 100) { seller { products(first: 100) { seller { id } } } } }', { limit: 'COST', max: 5000, actual: 20_200 }],
    ['too many aliases', aliases(16), { limit: 'ALIASES', max: 30, actual: 32 }],
    ['too many root fields', `{ ${Array.from({ length: 21 }, (_, i) => `u${i}: user(id: "${i}") { id }`).join(' ')} }`, { limit: 'ROOT_FIELDS', max: 20, actual: 21 }],
  ];

  it.each(refusals)('refuses a query %s over HTTP with 400 QUERY_TOO_COMPLEX', async (_, query, extensions) => {
    const answer = await graphql(stack.gatewayUrl, query, {}, from(address(), { 'accept-language': 'en' }));
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toHaveLength(1);
    expect(answer.body.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', ...extensions });
    expect(answer.body.data).toBeUndefined();
  });

  it('reads first from the variables for the cost', async () => {
    const query = 'query($n: Int) { popularProducts(first: $n) { seller { products(first: $n) { id } } } }';
    const refused = await graphql(stack.gatewayUrl, query, { n: 100 }, from(address()));
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'COST', actual: 100 * (1 + 1 + 100) });
  });

  it('refuses the same shapes over graphql-ws, for queries and subscriptions', async () => {
    const user = await register();
    const socket = connect(address(), user.token);
    const query = await over(socket, deep(6));
    expect(query.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'DEPTH' });
    const subscription = await over(socket, `subscription { myRiskAlerts { subject ${deep(5).slice(5, -2)} } }`);
    expect(subscription.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'DEPTH' });
  });

  it('lets introspection through outside production', async () => {
    const answer = await graphql(stack.gatewayUrl, '{ __schema { queryType { name } } }', {}, from(address()));
    expect(answer.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });
});

describe('batch and body limits', () => {
  const post = (body: string, ip = address()) => fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...from(ip) }, body });

  it('runs a batch up to MAX_BATCH_SIZE, each operation counted, and refuses a bigger one', async () => {
    const ok = await post(JSON.stringify([{ query: '{ __typename }' }, { query: '{ me { id } }' }, { query: '{ __typename }' }]));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual([{ data: { __typename: 'Query' } }, { data: { me: null } }, { data: { __typename: 'Query' } }]);
    const tooMany = await post(JSON.stringify(Array.from({ length: 4 }, () => ({ query: '{ __typename }' }))));
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST', limit: 'BATCH', max: 3, actual: 4 } }] });
  });

  it('refuses a body over MAX_BODY_BYTES with 413, and closes a socket sending a bigger message (1009)', async () => {
    const big = await post(JSON.stringify({ query: `{ __typename } # ${'x'.repeat(70_000)}` }));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });

    const socket = new WebSocket(stack.gatewayUrl.replace(/^http/, 'ws'), 'graphql-transport-ws', { headers: from(address()) });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { padding: 'x'.repeat(70_000) } }));
    const code = await new Promise<number>((resolve) => socket.once('close', (closeCode: number) => resolve(closeCode)));
    expect(code).toBe(1009);
  });
});
