// Issue 16 §3 end to end (user + monitor subgraphs and the gateway as real processes): an open
// graphql-ws connection stops acting within 5 s of logout, suspension or ban (closed with 4401 or
// 4403; the same token is refused afterwards), also when the user service's notice is lost (the
// gateway's sweep of the Redis keys); sign-in attempts on one email from many addresses are slowed
// per account, with a notice email to the member; `register` is rationed per address (an IPv6
// client's /64). Rate limits are on, with a per-address sign-in window of 3 that each sign-in
// attempt here stays under (a new address every time), so what slows the guesser is the per-email
// back-off. Addresses come through X-Forwarded-For, believed because TRUSTED_PROXIES=loopback.
import { randomBytes, randomInt } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createRedis, revokedBeforeKey, revokedReasonKey, type Redis } from '@anshim/platform';
import { devMessages } from '../support/dev-messages.ts';
import { bootstrapAdmin, waitFor } from '../support/gateway-client.ts';
import { watchedSocket, type WatchedSocket } from '../support/watched-socket.ts';
import { graphql, startStack, type Stack } from '../support/stack.ts';

vi.setConfig({ testTimeout: 60_000 });

const ADMIN = bootstrapAdmin();
const SWEEP_MS = 2_000;

let stack: Stack;
let redis: Redis;
const clients: Client[] = [];
beforeAll(async () => {
  stack = await startStack({
    subgraphs: ['user', 'monitor'],
    env: {
      ...ADMIN.env,
      RATE_LIMITS: 'true',
      TRUSTED_PROXIES: 'loopback',
      RATE_LIMIT_SENSITIVE_MAX: '3',
      LOGIN_BACKOFF_FREE_ATTEMPTS: '3',
      LOGIN_BACKOFF_BASE_SECONDS: '2',
      LOGIN_NOTICE_AFTER_FAILURES: '4',
      WS_REVOCATION_SWEEP_MS: String(SWEEP_MS),
    },
  });
  redis = createRedis({ url: stack.env.REDIS_URL!, prefix: stack.env.REDIS_PREFIX! });
}, 240_000);
afterAll(async () => {
  for (const client of clients) await client.dispose();
  redis?.disconnect();
  await stack?.stop();
});

let hosts = 0;
/** A client address of its own for every call: no per-address window is what stops anything here. */
const address = () => `198.51.${randomInt(0, 200)}.${(++hosts % 250) + 1}`;

async function call<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, token?: string, lang?: string) {
  const headers: Record<string, string> = { 'x-forwarded-for': address(), ...(token ? { authorization: `Bearer ${token}` } : {}), ...(lang ? { 'accept-language': lang } : {}) };
  const answer = await graphql<T>(stack.gatewayUrl, query, variables, headers);
  expect(answer.status).not.toBe(500);
  return answer.body;
}

const LOGIN = 'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }';

async function register(): Promise<{ id: string; token: string; email: string; password: string }> {
  const email = `sessions.${randomBytes(4).toString('hex')}@example.com`;
  const password = 'correct horse battery';
  const body = await call<{ register: { accessToken: string; user: { id: string } } }>(
    'mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }',
    { input: { email, password, nickname: 'sessions' } },
  );
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  return { id: body.data.register.user.id, token: body.data.register.accessToken, email, password };
}

/** A graphql-ws connection with a running myRiskAlerts subscription (test/support/watched-socket.ts). */
async function subscribed(token: string): Promise<WatchedSocket> {
  const socket = await watchedSocket(stack.gatewayUrl, token);
  clients.push(socket.client);
  return socket;
}

/** The close a fresh connection with this token gets when it tries an operation. */
async function refusedConnection(token: string): Promise<{ code: number; reason: string }> {
  const client = createClient({ url: stack.gatewayUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${token}` } });
  clients.push(client);
  return new Promise((resolve, reject) => {
    client.subscribe({ query: '{ me { id } }' }, { next: (value) => reject(new Error(`answered: ${JSON.stringify(value)}`)), error: (error) => resolve(error as { code: number; reason: string }), complete: () => undefined });
  });
}

async function adminToken(): Promise<string> {
  const body = await call<{ login: { accessToken: string } }>(LOGIN, { email: ADMIN.email, password: ADMIN.password });
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  return body.data.login.accessToken;
}

const SET_STATUS = 'mutation($id: ID!, $status: AccountStatus!, $until: DateTime, $reason: String!) { setUserStatus(userId: $id, status: $status, until: $until, reason: $reason) { status } }';

describe('open sockets end with the session', () => {
  it('closes a subscribed socket with 4401 within 5 s of logout; the token is refused afterwards', async () => {
    const member = await register();
    const socket = await subscribed(member.token);
    const body = await call<{ logout: boolean }>('mutation { logout }', {}, member.token);
    const loggedOutAt = Date.now();
    expect(body.data).toEqual({ logout: true });
    const closed = await socket.closed;
    expect({ code: closed.code, reason: closed.reason }).toEqual({ code: 4401, reason: 'Unauthorized: revoked' });
    expect(closed.at - loggedOutAt).toBeLessThan(5_000);
    expect(await refusedConnection(member.token)).toMatchObject({ code: 4401 });
    expect((await call('{ me { id } }', {}, member.token)).errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'revoked' });
  });

  it.each([
    ['SUSPENDED', () => new Date(Date.now() + 86_400_000).toISOString(), 'Forbidden: account suspended'],
    ['BANNED', () => null, 'Forbidden: account banned'],
  ])('closes the socket with 4403 within 5 s when an admin sets the account %s; the token is refused afterwards', async (status, until, reason) => {
    const member = await register();
    const admin = await adminToken();
    const socket = await subscribed(member.token);
    const body = await call(SET_STATUS, { id: member.id, status, until: until(), reason: '사기 신고 확인' }, admin);
    const changedAt = Date.now();
    expect(body.data).toEqual({ setUserStatus: { status } });
    const closed = await socket.closed;
    expect({ code: closed.code, reason: closed.reason }).toEqual({ code: 4403, reason });
    expect(closed.at - changedAt).toBeLessThan(5_000);
    expect(await refusedConnection(member.token)).toMatchObject({ code: 4403, reason });
  });

  it('closes the socket within the sweep interval when the revocation notice was lost', async () => {
    const member = await register();
    const socket = await subscribed(member.token);
    // What the user service writes for "end every session" (password change, sign out everywhere),
    // without the pub/sub notice: only the gateway's sweep of these keys can find it.
    await redis.multi().set(revokedBeforeKey(member.id), String(Date.now()), 'EX', 960).set(revokedReasonKey(member.id), 'SESSIONS_REVOKED', 'EX', 960).exec();
    const revokedAt = Date.now();
    const closed = await socket.closed;
    expect({ code: closed.code, reason: closed.reason }).toEqual({ code: 4401, reason: 'Unauthorized: revoked' });
    expect(closed.at - revokedAt).toBeLessThan(SWEEP_MS + 1_000);
  });

  it('refuses an operation on an open socket whose token was revoked since (checked per operation, like HTTP)', async () => {
    const member = await register();
    const socket = await subscribed(member.token);
    await redis.multi().set(revokedBeforeKey(member.id), String(Date.now()), 'EX', 960).set(revokedReasonKey(member.id), 'BANNED', 'EX', 960).exec();
    const answer = await new Promise<unknown>((resolve) => {
      socket.client.subscribe({ query: '{ me { id } }' }, { next: (value) => resolve(value), error: (error) => resolve(error), complete: () => undefined });
    });
    // Refused (the operation's error, or the close that came with it): never an answer with data.
    expect(JSON.stringify(answer)).not.toContain(member.id);
    expect((await socket.closed).code).toBe(4403);
  });
});

describe('sign-in back-off per account', () => {
  it('slows attempts on one email from many addresses, refuses the right password during the back-off, and tells the member', async () => {
    const member = await register();
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      expect((await call(LOGIN, { email: member.email, password: `guess-${attempt}` })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    const refused = await call(LOGIN, { email: member.email, password: member.password }, undefined, 'en');
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors?.[0]).toMatchObject({
      message: expect.stringContaining('too many sign-in attempts for this account'),
      extensions: { code: 'RATE_LIMITED', reason: 'SIGN_IN_BACKOFF', retryAfter: 2 },
    });
    const mail = await waitFor('the notice email', async () => {
      const sent = await devMessages(stack.operationsUrls.user!, member.email);
      return sent.length ? sent : undefined;
    });
    expect(mail).toHaveLength(1);
    expect(mail[0]!.text).toContain('비밀번호가 틀린 로그인 시도가 4번');
    const signedIn = await waitFor('the back-off to pass', async () => (await call<{ login: { accessToken: string } }>(LOGIN, { email: member.email, password: member.password })).data?.login, 10_000);
    expect(signedIn.accessToken).toEqual(expect.any(String));
  });
});

describe('register per client address', () => {
  it('rations sign-ups per address, counting an IPv6 client per /64, whatever the email domain', async () => {
    const net = `2001:db8:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}`;
    const signUp = (from: string) =>
      graphql(
        stack.gatewayUrl,
        'mutation($input: RegisterInput!) { register(input: $input) { user { id } } }',
        { input: { email: `someone@d${randomBytes(4).toString('hex')}.example.com`, password: 'correct horse battery', nickname: 'sessions' } },
        { 'x-forwarded-for': from },
      );
    // RATE_LIMIT_SENSITIVE_MAX is 3: three addresses of one /64 use up its window.
    for (const host of ['1', '2', '3']) expect((await signUp(`${net}::${host}`)).body.data).toBeTruthy();
    const refused = await signUp(`${net}:ffff:ffff:ffff:ffff`);
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect((await signUp(`2001:db8:ffff:${randomBytes(2).toString('hex')}::1`)).body.data).toBeTruthy(); // another /64
  });
});
