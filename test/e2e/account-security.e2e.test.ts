// Issue 20 end to end (user + monitor subgraphs and the gateway as real processes): a member who
// forgot their password resets it with the emailed code and every old session stops (the refresh
// token, the access token, and an open graphql-ws socket closing within 5 s); a member turns on
// two-factor sign-in and signs in with the SMS code (the old login refuses them); a member sees
// two sessions — device and client described from the user agent the gateway passed on signed —
// and revokes one, whose socket closes. Codes are read from the user service's /dev/messages.
import { randomBytes } from 'node:crypto';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { devMessages } from '../support/dev-messages.ts';
import { waitFor } from '../support/gateway-client.ts';
import { watchedSocket, type WatchedSocket } from '../support/watched-socket.ts';
import { graphql, startStack, type Stack } from '../support/stack.ts';

vi.setConfig({ testTimeout: 60_000 });

let stack: Stack;
const clients: Client[] = [];
beforeAll(async () => {
  stack = await startStack({ subgraphs: ['user', 'monitor'] });
}, 240_000);
afterAll(async () => {
  for (const client of clients) await client.dispose();
  await stack?.stop();
});

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

async function call<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, token?: string, headers: Record<string, string> = {}) {
  const answer = await graphql<T>(stack.gatewayUrl, query, variables, { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers });
  expect(answer.status).not.toBe(500);
  return answer.body;
}

const LOGIN = 'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken refreshToken } }';
const REFRESH = 'mutation($token: String!) { refreshToken(refreshToken: $token) { accessToken } }';

async function register(phone?: string, headers: Record<string, string> = {}) {
  const email = `accounts.${randomBytes(4).toString('hex')}@example.com`;
  const password = 'correct horse battery';
  const body = await call<{ register: { accessToken: string; refreshToken: string; user: { id: string } } }>(
    'mutation($input: RegisterInput!) { register(input: $input) { accessToken refreshToken user { id } } }',
    { input: { email, password, nickname: '계정', phone } },
    undefined,
    headers,
  );
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  return { id: body.data.register.user.id, token: body.data.register.accessToken, refreshToken: body.data.register.refreshToken, email, password };
}

async function latestCode(address: string, marker: string, count = 1): Promise<string> {
  const found = await waitFor(`a message with "${marker}" to ${address}`, async () => {
    const matching = (await devMessages(stack.operationsUrls.user!, address)).filter((m) => m.text.includes(marker));
    return matching.length >= count ? matching[0] : undefined;
  });
  return /\b(\d{6})\b/.exec(found.text)![1]!;
}

/** A graphql-ws connection with a running myRiskAlerts subscription (test/support/watched-socket.ts). */
async function subscribed(token: string): Promise<WatchedSocket> {
  const socket = await watchedSocket(stack.gatewayUrl, token);
  clients.push(socket.client);
  return socket;
}

describe('account security through the gateway', () => {
  it('resets a forgotten password by email code; every old session stops, an open socket closes within 5 s', async () => {
    const member = await register();
    const other = (await call<{ login: { accessToken: string; refreshToken: string } }>(LOGIN, { email: member.email, password: member.password })).data!.login;
    const socket = await subscribed(member.token);

    expect((await call('mutation($email: String!) { requestPasswordReset(email: $email) }', { email: member.email })).data).toEqual({ requestPasswordReset: true });
    expect((await call('mutation($email: String!) { requestPasswordReset(email: $email) }', { email: `nobody.${randomBytes(4).toString('hex')}@example.com` })).data).toEqual({ requestPasswordReset: true });
    const code = await latestCode(member.email, '비밀번호 재설정 코드');
    const newPassword = 'a fresh and long passphrase';
    const reset = await call('mutation($email: String!, $code: String!, $pw: String!) { resetPassword(email: $email, code: $code, newPassword: $pw) }', { email: member.email, code, pw: newPassword });
    const resetAt = Date.now();
    expect(reset).toEqual({ data: { resetPassword: true } });

    const closed = await socket.closed;
    expect({ code: closed.code, reason: closed.reason }).toEqual({ code: 4401, reason: 'Unauthorized: revoked' });
    expect(closed.at - resetAt).toBeLessThan(5_000);
    for (const token of [member.token, other.accessToken]) expect((await call('{ me { id } }', {}, token)).errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    for (const refreshToken of [member.refreshToken, other.refreshToken]) expect((await call(REFRESH, { token: refreshToken })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await call(LOGIN, { email: member.email, password: member.password })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const fresh = (await call<{ login: { accessToken: string } }>(LOGIN, { email: member.email, password: newPassword })).data!.login;
    expect((await call('{ me { id } }', {}, fresh.accessToken)).data).toEqual({ me: { id: member.id } });
    // The same code cannot be used twice.
    expect((await call('mutation($email: String!, $code: String!, $pw: String!) { resetPassword(email: $email, code: $code, newPassword: $pw) }', { email: member.email, code, pw: 'yet another passphrase' })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CODE_USED' });
  });

  it('turns on two-factor sign-in and signs in with the SMS code; the old login refuses the account', async () => {
    const digits = String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
    const phone = `010-${digits.slice(0, 4)}-${digits.slice(4)}`;
    const member = await register(phone);
    const challenge = await call<{ requestVerification: { id: string } }>('mutation { requestVerification(method: SMS) { id } }', {}, member.token);
    const smsCode = await latestCode(phone, '인증번호는');
    expect((await call('mutation($id: ID!, $code: String!) { confirmVerification(challengeId: $id, code: $code) { id } }', { id: challenge.data!.requestVerification.id, code: smsCode }, member.token)).errors).toBeUndefined();

    const on = await call('mutation($pw: String!) { setTwoFactor(enabled: true, password: $pw) { twoFactorEnabled } }', { pw: member.password }, member.token);
    expect(on).toEqual({ data: { setTwoFactor: { twoFactorEnabled: true } } });
    expect((await call(LOGIN, { email: member.email, password: member.password })).errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SECOND_FACTOR_REQUIRED' });

    const started = await call<{ signIn: { auth: unknown; secondFactor: { id: string; method: string } } }>(
      'mutation($email: String!, $pw: String!) { signIn(email: $email, password: $pw) { auth { accessToken } secondFactor { id method sentTo } } }',
      { email: member.email, pw: member.password },
    );
    expect(started.data!.signIn).toMatchObject({ auth: null, secondFactor: { method: 'SMS' } });
    const signInCode = await latestCode(phone, '로그인 인증번호');
    const done = await call<{ completeSignIn: { accessToken: string } }>(
      'mutation($id: ID!, $code: String!) { completeSignIn(challengeId: $id, code: $code) { accessToken user { id } } }',
      { id: started.data!.signIn.secondFactor.id, code: signInCode },
    );
    expect(done.errors).toBeUndefined();
    expect((await call('{ me { id twoFactorEnabled } }', {}, done.data!.completeSignIn.accessToken)).data).toEqual({ me: { id: member.id, twoFactorEnabled: true } });
  });

  it('shows two sessions with device and client, and revoking one stops it at once (its socket closes)', async () => {
    const laptop = await register(undefined, { 'user-agent': CHROME, 'x-device-id': 'e2e-laptop' });
    const phone = (await call<{ login: { accessToken: string } }>(LOGIN, { email: laptop.email, password: laptop.password }, undefined, { 'user-agent': IPHONE, 'x-device-id': 'e2e-phone' })).data!.login;

    const listed = await call<{ me: { sessions: Array<{ id: string; deviceId: string; client: string; current: boolean }> } }>(
      '{ me { sessions { id deviceId client current createdAt lastUsedAt } } }',
      {},
      phone.accessToken,
    );
    const sessions = listed.data!.me.sessions;
    expect(sessions.map(({ deviceId, client, current }) => ({ deviceId, client, current }))).toEqual([
      { deviceId: 'e2e-phone', client: 'Safari 17 on iOS', current: true },
      { deviceId: 'e2e-laptop', client: 'Chrome 131 on Windows', current: false },
    ]);

    const socket = await subscribed(laptop.token);
    const stranger = await register();
    expect((await call('mutation($id: ID!) { revokeSession(id: $id) }', { id: sessions[1]!.id }, stranger.token)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await call('{ me { id } }', {}, laptop.token)).data).toEqual({ me: { id: laptop.id } });

    expect((await call('mutation($id: ID!) { revokeSession(id: $id) }', { id: sessions[1]!.id }, phone.accessToken)).data).toEqual({ revokeSession: true });
    const revokedAt = Date.now();
    const closed = await socket.closed;
    expect(closed.code).toBe(4401);
    expect(closed.at - revokedAt).toBeLessThan(5_000);
    expect((await call('{ me { id } }', {}, laptop.token)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await call(REFRESH, { token: laptop.refreshToken })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await call('{ me { sessions { deviceId current } } }', {}, phone.accessToken)).data).toEqual({ me: { sessions: [{ deviceId: 'e2e-phone', current: true }] } });
  });
});
