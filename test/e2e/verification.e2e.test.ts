// Verification beyond codes, through the gateway against real processes (user, safety and its
// worker, the gateway) and a real OpenID Connect provider (oidc-provider) on a free port:
// an ID card photo is uploaded, reviewed by an admin and raises the safety score; an account at
// the provider is linked and later signs in; a wrong state, a replayed code and a nonce mismatch
// are each refused.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../subgraphs/safety/test/support/harness.ts';
import { freePort } from '../support/free-port.ts';
import { CookieJar, followUntil, oidcClientEnv, startOidcProvider, step, type TestOidcProvider } from '../support/oidc-provider.ts';
import { codeOf, gatewayClient } from '../support/gateway-client.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { devMessages } from '../support/dev-messages.ts';

const adminEmail = `admin-${randomBytes(4).toString('hex')}@anshim.test`;
const adminPassword = 'admin-password-1234';
const APP = 'http://app.anshim.test/auth/complete';
// A 1×1 PNG: real magic bytes, real image.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

let stack: Stack;
let oidc: TestOidcProvider;
let gateway: string;
let storageDir: string;
let adminToken: string;

beforeAll(async () => {
  const port = await freePort();
  gateway = `http://127.0.0.1:${port}`;
  storageDir = await mkdtemp(join(tmpdir(), 'anshim-idcards-'));
  oidc = await startOidcProvider({ redirectUris: [`${gateway}/auth/oidc/local/callback`] });
  stack = await startStack({
    subgraphs: ['user', 'safety'],
    workers: ['safety'],
    env: {
      GATEWAY_PORT: String(port),
      USER_PUBLIC_URL: gateway,
      STORAGE_LOCAL_DIR: storageDir,
      BOOTSTRAP_ADMIN_EMAIL: adminEmail,
      BOOTSTRAP_ADMIN_PASSWORD: adminPassword,
      SAFETY_NIGHTLY_ENABLED: 'false',
      OIDC_PROVIDERS: 'local',
      ...oidcClientEnv('local', oidc, gateway),
      OIDC_LOCAL_DISPLAY_NAME: '테스트 로그인',
      OIDC_ALLOW_HTTP: 'true',
      OIDC_APP_REDIRECT_URL: APP,
    },
    // Four processes compile and start at once; on a busy 2-core machine that takes a while.
    startTimeoutMs: 90_000,
  });
  adminToken = (await ok<{ login: { accessToken: string } }>(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`, { e: adminEmail, p: adminPassword })).login.accessToken;
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  await oidc?.stop();
  if (storageDir) await rm(storageDir, { recursive: true, force: true });
});

const { call, ok, register } = gatewayClient(() => stack.gatewayUrl);

const REQUEST_ID_CARD = `mutation { requestVerification(method: ID_CARD) { id method sentTo expiresAt upload { key url headers expiresAt maxBytes } } }`;
const DECIDE = `mutation($id: ID!, $d: IdCardDecision!, $r: String) { decideIdCardCheck(id: $id, decision: $d, reason: $r) { id status reason decidedAt photoDeleteAfter user { id } } }`;

async function uploadIdCard(token: string): Promise<string> {
  const challenge = (await ok(REQUEST_ID_CARD, {}, token)).requestVerification;
  const put = await fetch(challenge.upload.url, { method: 'PUT', body: PNG, headers: { ...challenge.upload.headers, 'content-type': 'image/png' } });
  expect(put.status).toBe(200);
  return challenge.id;
}

async function score(userId: string): Promise<{ value: number; factors: Array<{ code: string; contribution: number }> }> {
  return (await ok(`query($id: ID!) { user(id: $id) { safetyScore { value factors { code contribution } } } }`, { id: userId })).user.safetyScore;
}

describe('ID card review', () => {
  it('a user uploads an ID photo, an admin approves, and ID_CARD raises the safety score by 15', async () => {
    const mina = await register('민아');
    const before = await waitFor(() => score(mina.id), (s) => s.value > 0, 20_000, 'a first score');

    const challenge = (await ok(REQUEST_ID_CARD, {}, mina.token)).requestVerification;
    expect(challenge).toMatchObject({ method: 'ID_CARD', sentTo: '관리자 검토', upload: { key: challenge.id, maxBytes: 10 * 1024 * 1024 } });
    // The ticket goes through the gateway, which passes /auth/* on to the user service.
    expect(challenge.upload.url.startsWith(`${gateway}/auth/id-card/upload/${challenge.id}?`)).toBe(true);

    // Bytes that are not what the Content-Type says are refused, and so is a forged signature.
    const fake = await fetch(challenge.upload.url, { method: 'PUT', body: Buffer.from('not a picture at all'), headers: { 'content-type': 'image/png', 'accept-language': 'en' } });
    expect(fake.status).toBe(415);
    expect(((await fake.json()) as any).error.message).toMatch(/JPG or PNG/);
    const forged = challenge.upload.url.replace(/sig=[^&]+/, 'sig=AAAA');
    expect((await fetch(forged, { method: 'PUT', body: PNG, headers: { 'content-type': 'image/png' } })).status).toBe(403);

    const put = await fetch(challenge.upload.url, { method: 'PUT', body: PNG, headers: { 'content-type': 'image/png' } });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ id: challenge.id, status: 'PENDING' });
    expect((await fetch(challenge.upload.url, { method: 'PUT', body: PNG, headers: { 'content-type': 'image/png' } })).status).toBe(409);

    // At rest the photo is sealed: not a PNG, not the same bytes.
    const folder = join(storageDir, 'id-cards', mina.id);
    const [stored] = await readdir(folder);
    const sealed = await readFile(join(folder, stored!));
    expect(sealed.subarray(0, 4).toString()).toBe('ANS1');
    expect(sealed.includes(PNG.subarray(16, 40))).toBe(false);

    // The user sees their check waiting, without a photo link; only the admin gets one.
    const mine = (await ok(`{ myIdCardCheck { id status photoUrl } }`, {}, mina.token)).myIdCardCheck;
    expect(mine).toEqual({ id: challenge.id, status: 'PENDING', photoUrl: null });
    expect(codeOf((await call(`{ pendingIdCardChecks { id } }`, {}, mina.token)).errors)).toBe('FORBIDDEN');
    const queue = (await ok(`{ pendingIdCardChecks(first: 100) { id status photoUrl user { id nickname } } }`, {}, adminToken)).pendingIdCardChecks;
    const entry = queue.find((c: { id: string }) => c.id === challenge.id);
    expect(entry).toMatchObject({ status: 'PENDING', user: { id: mina.id, nickname: '민아' } });
    const photo = await fetch(entry.photoUrl);
    expect(photo.status).toBe(200);
    expect(photo.headers.get('cache-control')).toBe('private, no-store');
    expect(Buffer.from(await photo.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await fetch(entry.photoUrl.replace(/exp=\d+/, 'exp=9999999999'))).status).toBe(403);

    // Nobody but an admin decides.
    expect(codeOf((await call(DECIDE, { id: challenge.id, d: 'APPROVE' }, mina.token)).errors)).toBe('FORBIDDEN');
    const decided = (await ok(DECIDE, { id: challenge.id, d: 'APPROVE' }, adminToken)).decideIdCardCheck;
    expect(decided).toMatchObject({ status: 'APPROVED', user: { id: mina.id } });
    const keepDays = (new Date(decided.photoDeleteAfter).getTime() - new Date(decided.decidedAt).getTime()) / 86_400_000;
    expect(keepDays).toBe(30);
    expect(codeOf((await call(DECIDE, { id: challenge.id, d: 'REJECT', r: '다시' }, adminToken)).errors)).toBe('CONFLICT');

    const me = (await ok(`{ me { verifications { method } } }`, {}, mina.token)).me;
    expect(me.verifications.map((v: { method: string }) => v.method)).toContain('ID_CARD');
    // The approval reaches the score through user's outbox, the safety worker and the gateway's entity
    // cache: under a second here, but once more than 20 s in a fresh-clone CI at load ~16 (2026-12-06).
    const after = await waitFor(() => score(mina.id), (s) => s.factors.some((f) => f.code === 'ID_CARD_VERIFIED'), 60_000, 'the ID card factor');
    expect(after.factors.find((f) => f.code === 'ID_CARD_VERIFIED')?.contribution).toBe(15);
    expect(after.value).toBe(before.value + 15);
    // Verified once is enough.
    expect(codeOf((await call(REQUEST_ID_CARD, {}, mina.token)).errors)).toBe('CONFLICT');
  }, 120_000);

  it('a rejection needs a reason and tells the user why; nobody decides their own check', async () => {
    const jun = await register('준');
    const checkId = await uploadIdCard(jun.token);
    expect(codeOf((await call(DECIDE, { id: checkId, d: 'REJECT', r: '  ' }, adminToken)).errors)).toBe('BAD_USER_INPUT');
    const reason = '사진이 흐려서 이름을 읽을 수 없습니다.';
    expect((await ok(DECIDE, { id: checkId, d: 'REJECT', r: reason }, adminToken)).decideIdCardCheck).toMatchObject({ status: 'REJECTED', reason });
    expect((await ok(`{ myIdCardCheck { status reason } }`, {}, jun.token)).myIdCardCheck).toEqual({ status: 'REJECTED', reason });
    const mail = { messages: await devMessages(stack.operationsUrls.user!, jun.email) };
    expect(mail.messages[0]?.text).toContain(reason);
    expect((await ok(`{ me { verifications { method } } }`, {}, jun.token)).me.verifications).toEqual([]);

    const ownCheck = await uploadIdCard(adminToken);
    const own = await call(DECIDE, { id: ownCheck, d: 'APPROVE' }, adminToken);
    expect(codeOf(own.errors)).toBe('FORBIDDEN');
  });
});

/** A signed-in browser starts linking: POST with its access token; returns the provider URL (303) it is sent to. */
async function postLink(jar: CookieJar, url: string, token: string): Promise<string> {
  const response = await fetch(url, { method: 'POST', redirect: 'manual', headers: { authorization: `Bearer ${token}` } });
  jar.store(url, response);
  expect(response.status).toBe(303);
  return response.headers.get('location')!;
}

describe('OpenID Connect through the gateway', () => {
  const callbackPrefix = () => `${gateway}/auth/oidc/local/callback`;
  const providerSignIn = async () => (await ok(`{ oidcProviders { name displayName signInUrl } }`)).oidcProviders[0];

  it('links an account at the provider (OAUTH verification) and later signs in with it', async () => {
    const provider = await providerSignIn();
    expect(provider).toEqual({ name: 'local', displayName: '테스트 로그인', signInUrl: `${gateway}/auth/oidc/local/start` });

    const sora = await register('소라');
    const { url } = (await ok(`mutation { startOidcLink(provider: "local") { url expiresAt } }`, {}, sora.token)).startOidcLink;
    expect(url).toBe(`${gateway}/auth/oidc/local/link`);
    oidc.account = { sub: `sora-${randomBytes(4).toString('hex')}`, email: sora.email, email_verified: false };
    const browser = new CookieJar();
    const linked = new URL(await followUntil(browser, await postLink(browser, url, sora.token), APP));
    expect(Object.fromEntries(linked.searchParams)).toEqual({ oidc: 'linked', provider: 'local' });
    // Without the access token the same POST starts nothing.
    expect((await fetch(url, { method: 'POST', redirect: 'manual' })).status).toBe(401);

    const me = (await ok(`{ me { verifications { method } linkedIdentities { provider email } } }`, {}, sora.token)).me;
    expect(me.verifications.map((v: { method: string }) => v.method)).toContain('OAUTH');
    expect(me.linkedIdentities).toEqual([{ provider: 'local', email: sora.email }]);
    await waitFor(() => score(sora.id), (s) => s.factors.some((f) => f.code === 'OAUTH_VERIFIED' && f.contribution === 5), 20_000, 'the OAuth factor');

    // Later, in another browser: sign in with the provider, exchange the one-time code.
    const landed = new URL(await followUntil(new CookieJar(), provider.signInUrl, APP));
    expect(landed.searchParams.get('oidc')).toBe('signed_in');
    const code = landed.searchParams.get('code')!;
    expect(landed.href).not.toMatch(/token/i);
    const payload = (await ok(`mutation($c: String!) { completeOidcSignIn(code: $c) { accessToken refreshToken user { id email } } }`, { c: code })).completeOidcSignIn;
    expect(payload.user).toEqual({ id: sora.id, email: sora.email });
    expect((await ok(`{ me { id } }`, {}, payload.accessToken)).me.id).toBe(sora.id);
    expect(codeOf((await call(`mutation($c: String!) { completeOidcSignIn(code: $c) { accessToken } }`, { c: code })).errors)).toBe('UNAUTHENTICATED');
  });

  it('an unverified provider email never signs into an existing account by itself', async () => {
    const dana = await register('다나');
    oidc.account = { sub: `dana-${randomBytes(4).toString('hex')}`, email: dana.email, email_verified: false };
    const landed = new URL(await followUntil(new CookieJar(), (await providerSignIn()).signInUrl, APP));
    expect(Object.fromEntries(landed.searchParams)).toEqual({ oidc: 'error', reason: 'not_linked' });
    expect((await ok(`{ me { linkedIdentities { provider } } }`, {}, dana.token)).me.linkedIdentities).toEqual([]);
  });

  describe('tampering is refused', () => {
    let signInUrl: string;
    let sub: string;
    beforeAll(async () => {
      signInUrl = (await providerSignIn()).signInUrl;
      const owner = await register('보안');
      const { url } = (await ok(`mutation { startOidcLink(provider: "local") { url } }`, {}, owner.token)).startOidcLink;
      sub = `owner-${randomBytes(4).toString('hex')}`;
      oidc.account = { sub, email: owner.email, email_verified: true };
      const browser = new CookieJar();
      expect(new URL(await followUntil(browser, await postLink(browser, url, owner.token), APP)).searchParams.get('oidc')).toBe('linked');
    });
    const outcome = (location: string | null) => Object.fromEntries(new URL(location!).searchParams);

    it('a wrong state', async () => {
      oidc.account = { sub };
      const jar = new CookieJar();
      const callback = new URL(await followUntil(jar, signInUrl, callbackPrefix()));
      callback.searchParams.set('state', `${callback.searchParams.get('state')}x`);
      const { status, location } = await step(jar, callback.href);
      expect(status).toBe(302);
      expect(outcome(location)).toEqual({ oidc: 'error', reason: 'state' });
    });

    it('a replayed code', async () => {
      oidc.account = { sub };
      const jar = new CookieJar();
      const callback = await followUntil(jar, signInUrl, callbackPrefix());
      expect(outcome((await step(jar, callback)).location).oidc).toBe('signed_in');
      // The same callback again: its state was used up.
      expect(outcome((await step(jar, callback)).location)).toEqual({ oidc: 'error', reason: 'state' });
      // The used code inside a fresh, valid flow: the provider refuses it.
      const fresh = new CookieJar();
      const freshCallback = new URL(await followUntil(fresh, signInUrl, callbackPrefix()));
      freshCallback.searchParams.set('code', new URL(callback).searchParams.get('code')!);
      expect(outcome((await step(fresh, freshCallback.href)).location)).toEqual({ oidc: 'error', reason: 'code' });
    });

    it('a nonce mismatch', async () => {
      oidc.account = { sub };
      const jar = new CookieJar();
      const { location } = await step(jar, signInUrl);
      const authorize = new URL(location!);
      expect(authorize.origin).toBe(oidc.issuer);
      expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
      authorize.searchParams.set('nonce', 'a-nonce-someone-else-chose');
      const landed = new URL(await followUntil(jar, authorize.href, APP));
      expect(Object.fromEntries(landed.searchParams)).toEqual({ oidc: 'error', reason: 'nonce' });
    });
  });
});
