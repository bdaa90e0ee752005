// Issue 20 through the gateway against real processes and a real OpenID Connect provider: a new
// member signs up with the provider (the nickname step), a profile photo taken with GPS in its
// EXIF is served through the gateway without any location, and a deleted account can no longer
// sign in while its email and phone are gone (the email can be registered anew; an admin sees no
// phone).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devMessages } from '../support/dev-messages.ts';
import { freePort } from '../support/free-port.ts';
import { CookieJar, followUntil, oidcClientEnv, startOidcProvider, type TestOidcProvider } from '../support/oidc-provider.ts';
import { gatewayClient } from '../support/gateway-client.ts';
import { startStack, type Stack } from '../support/stack.ts';

const adminEmail = `admin-${randomBytes(4).toString('hex')}@anshim.test`;
const adminPassword = 'admin-password-1234';
const APP = 'http://app.anshim.test/auth/complete';

let stack: Stack;
let oidc: TestOidcProvider;
let storageDir: string;
let adminToken: string;

beforeAll(async () => {
  const port = await freePort();
  const gateway = `http://127.0.0.1:${port}`;
  storageDir = await mkdtemp(join(tmpdir(), 'anshim-photos-'));
  oidc = await startOidcProvider({ redirectUris: [`${gateway}/auth/oidc/local/callback`] });
  stack = await startStack({
    subgraphs: ['user'],
    env: {
      GATEWAY_PORT: String(port),
      USER_PUBLIC_URL: gateway,
      STORAGE_DRIVER: 'local',
      STORAGE_LOCAL_DIR: storageDir,
      BOOTSTRAP_ADMIN_EMAIL: adminEmail,
      BOOTSTRAP_ADMIN_PASSWORD: adminPassword,
      OIDC_PROVIDERS: 'local',
      ...oidcClientEnv('local', oidc, gateway),
      OIDC_SIGNUP_PROVIDERS: 'local',
      OIDC_ALLOW_HTTP: 'true',
      OIDC_APP_REDIRECT_URL: APP,
    },
    startTimeoutMs: 90_000,
  });
  adminToken = (await ok<{ login: { accessToken: string } }>(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`, { e: adminEmail, p: adminPassword })).login.accessToken;
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  await oidc?.stop();
  if (storageDir) await rm(storageDir, { recursive: true, force: true });
});

const { call, ok } = gatewayClient(() => stack.gatewayUrl);
const LOGIN = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`;
const REGISTER = `mutation($i: RegisterInput!) { register(input: $i) { accessToken refreshToken user { id } } }`;
const phone = () => `010${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;

describe('sign-up with the local provider', () => {
  it('a new member signs up with a verified provider email and picks a nickname once', async () => {
    const email = `oidc.${randomBytes(5).toString('hex')}@example.com`;
    const [provider] = (await ok(`{ oidcProviders { name signInUrl } }`)).oidcProviders;
    oidc.account = { sub: `new-${randomBytes(4).toString('hex')}`, email, email_verified: true };
    const landed = new URL(await followUntil(new CookieJar(), provider.signInUrl, APP));
    expect(landed.searchParams.get('oidc')).toBe('sign_up');
    const done = await ok(`mutation($c: String!, $n: String!) { completeOidcSignUp(code: $c, nickname: $n) { accessToken user { id } } }`, { c: landed.searchParams.get('code'), n: '처음왔어요' });
    const me = (await ok(`{ me { email nickname linkedIdentities { provider } verifications { method } } }`, {}, done.completeOidcSignUp.accessToken)).me;
    expect(me).toMatchObject({ email, nickname: '처음왔어요', linkedIdentities: [{ provider: 'local' }] });
    expect(me.verifications.map((v: { method: string }) => v.method).sort()).toEqual(['EMAIL', 'OAUTH']);
  });
});

describe('profile photo through the gateway', () => {
  it('the served photo carries no EXIF and no GPS', async () => {
    const { register } = await ok(REGISTER, { i: { email: `photo.${randomBytes(5).toString('hex')}@example.com`, password: 'correct horse battery', nickname: '사진' } });
    const token = register.accessToken as string;
    const original = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#40a060' } })
      .withExifMerge({ IFD0: { Make: 'AnshimPhone' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '37/1 33/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '126/1 58/1 0/1' } })
      .jpeg()
      .withMetadata()
      .toBuffer();
    expect((await sharp(original).metadata()).exif).toBeDefined();
    const ticket = (await ok(`mutation($s: Int!) { createProfilePhotoUpload(contentType: "image/jpeg", size: $s) { key url headers } }`, { s: original.length }, token)).createProfilePhotoUpload;
    expect(ticket.url.startsWith(`${stack.gatewayUrl.replace(/\/graphql$/, '')}/user/files/`)).toBe(true);
    expect((await fetch(ticket.url, { method: 'PUT', body: original, headers: ticket.headers })).status).toBe(200);
    const { photoUrl } = (await ok(`mutation($k: String) { setProfilePhoto(key: $k) { photoUrl } }`, { k: ticket.key }, token)).setProfilePhoto;
    const served = await fetch(photoUrl);
    expect(served.status).toBe(200);
    const bytes = Buffer.from(await served.arrayBuffer());
    const meta = await sharp(bytes).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.exif).toBeUndefined();
    expect(bytes.includes(Buffer.from('AnshimPhone'))).toBe(false);
    expect(bytes.includes(Buffer.from('GPS'))).toBe(false);
  });
});

describe('leaving', () => {
  it('a deleted account cannot sign in; its email and phone are gone', async () => {
    const email = `leave.${randomBytes(5).toString('hex')}@example.com`;
    const number = phone();
    const { register } = await ok(REGISTER, { i: { email, password: 'correct horse battery', nickname: '떠나요', phone: number } });
    const token = register.accessToken as string;
    const id = register.user.id as string;
    const challenge = (await ok(`mutation { requestVerification(method: SMS) { id } }`, {}, token)).requestVerification;
    const code = /\b(\d{6})\b/.exec((await devMessages(stack.operationsUrls.user!, number))[0]!.text)?.[1];
    await ok(`mutation($id: ID!, $code: String!) { confirmVerification(challengeId: $id, code: $code) { id } }`, { id: challenge.id, code }, token);
    expect((await ok(`query($id: ID!) { user(id: $id) { email phone } }`, { id }, adminToken)).user).toEqual({ email, phone: expect.stringContaining(number.slice(-4)) });

    expect((await call(`mutation { deleteAccount(password: "wrong password here") }`, {}, token)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await ok(`mutation { deleteAccount(password: "correct horse battery") }`, {}, token)).toEqual({ deleteAccount: true });

    // The access token stops at the gateway at once; the old email and password no longer sign in.
    const me = await call(`{ me { id } }`, {}, token);
    expect(me.data?.me ?? null).toBeNull();
    expect((await call(LOGIN, { e: email, p: 'correct horse battery' })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const seen = (await ok(`query($id: ID!) { user(id: $id) { email phone nickname } }`, { id }, adminToken)).user;
    expect(seen.email).not.toBe(email);
    expect(seen.phone).toBeNull();
    expect(seen.nickname).toBe('탈퇴한 회원');
    // The email is free: someone may register it anew (a fresh account, nothing carried over).
    const again = await ok(REGISTER, { i: { email, password: 'another long passphrase', nickname: '새출발' } });
    expect(again.register.user.id).not.toBe(id);
  });
});
