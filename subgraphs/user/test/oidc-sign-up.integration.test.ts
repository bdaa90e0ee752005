// Sign-up with a provider and unlinking (issue 20.4), driven by a real provider (oidc-provider).
// An identity from a provider on OIDC_SIGNUP_PROVIDERS with a verified email that no account holds
// lands on the app with ?oidc=sign_up&code=…; completeOidcSignUp(code, nickname) creates the
// account (EMAIL and OAUTH verified, the identity linked, no password) once. An unverified email,
// a provider not on the list, or an email an account already holds creates nothing (linking stays
// explicit). Unlinking is refused while it is the last way to sign in.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar, followUntil, step, type TestOidcProvider } from '../../../test/support/oidc-provider.ts';
import { onlyError, registerUser, uniqueEmail, UserHarness, OIDC_APP, OIDC_PUBLIC, startUserWithOidc } from './support/harness.ts';

const PUBLIC = OIDC_PUBLIC;
const APP = OIDC_APP;
let oidc: TestOidcProvider;
let h: UserHarness;

beforeAll(async () => {
  ({ oidc, h } = await startUserWithOidc(['open', 'closed'], { OIDC_SIGNUP_PROVIDERS: 'open' }));
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await oidc?.stop();
});

const SIGN_UP = `mutation($c: String!, $n: String!) { completeOidcSignUp(code: $c, nickname: $n) { accessToken refreshToken user { id email nickname verifications { method } linkedIdentities { provider email } } } }`;
const UNLINK = `mutation($p: String!) { unlinkOidcIdentity(provider: $p) { id linkedIdentities { provider } } }`;
const send = (url: string, init: RequestInit) => (url.startsWith(h.base) ? h.send(url, init) : fetch(url, init));
const sub = (tag: string) => `${tag}-${randomBytes(4).toString('hex')}`;

/** Signs in at `provider` as this account, in a fresh browser; returns the app URL's parameters. */
async function signInWith(provider: string, account: { sub: string; email?: string; email_verified?: boolean }): Promise<Record<string, string>> {
  const jar = new CookieJar();
  const start = await step(jar, `${h.base}/auth/oidc/${provider}/start`, send);
  oidc.account = account;
  const callback = await followUntil(jar, start.location!, PUBLIC);
  const { location } = await step(jar, callback.replace(PUBLIC, h.base), send);
  return Object.fromEntries(new URL(location!).searchParams);
}

describe('sign-up with a provider', () => {
  it('a verified email no account holds becomes a new member after the one-time nickname step; the code works once', async () => {
    const email = uniqueEmail('oidc');
    const account = { sub: sub('new'), email, email_verified: true };
    const landed = await signInWith('open', account);
    expect(landed).toMatchObject({ oidc: 'sign_up', provider: 'open' });
    expect(await h.prisma.user.count({ where: { email } })).toBe(0);

    // A bad nickname is refused and does not spend the code.
    expect(onlyError(await h.gql(SIGN_UP, { c: landed.code, n: '   ' })).code).toBe('BAD_USER_INPUT');
    const since = new Date(Date.now() - 1_000);
    const done = await h.gql(SIGN_UP, { c: landed.code, n: '새회원' }, { client: { deviceId: 'sign-up-phone', address: '198.51.100.90' } });
    expect(done.errors).toBeUndefined();
    const { user, accessToken } = done.data!.completeOidcSignUp;
    expect(user).toMatchObject({ email, nickname: '새회원', linkedIdentities: [{ provider: 'open', email }] });
    expect(user.verifications.map((v: { method: string }) => v.method).sort()).toEqual(['EMAIL', 'OAUTH']);
    expect(accessToken).toBeTruthy();
    expect(await h.prisma.user.findUnique({ where: { id: user.id }, select: { hasPassword: true } })).toEqual({ hasPassword: false });
    const registered = await h.prisma.outboxEvent.count({ where: { type: 'user.registered', payload: { path: ['data', 'userId'], equals: user.id } } });
    expect(registered).toBe(1);
    // The device it signed up on is its own: the first sign-in is not a "new device", and no notice is owed.
    const signedIn = await h.prisma.outboxEvent.findMany({ where: { type: 'user.signed_in', payload: { path: ['subjectUserId'], equals: user.id } }, select: { payload: true } });
    expect(signedIn.map((e) => (e.payload as { data: { deviceId: string; newDevice: boolean } }).data)).toMatchObject([{ deviceId: 'sign-up-phone', newDevice: false }]);
    expect(await h.prisma.outboundMessage.count({ where: { deployment: h.prefix, kind: 'NEW_DEVICE', createdAt: { gte: since } } })).toBe(0);

    expect(onlyError(await h.gql(SIGN_UP, { c: landed.code, n: '또회원' })).code).toBe('UNAUTHENTICATED');
    expect(await h.prisma.user.count({ where: { email } })).toBe(1);

    // Next time the same identity simply signs in.
    expect(await signInWith('open', account)).toMatchObject({ oidc: 'signed_in', provider: 'open' });
  });

  it('creates nothing for an unverified email, a provider not on OIDC_SIGNUP_PROVIDERS, or an email an account holds', async () => {
    const unverified = uniqueEmail('unverified');
    expect(await signInWith('open', { sub: sub('u'), email: unverified, email_verified: false })).toEqual({ oidc: 'error', reason: 'not_linked' });
    const closed = uniqueEmail('closed');
    expect(await signInWith('closed', { sub: sub('c'), email: closed, email_verified: true })).toEqual({ oidc: 'error', reason: 'not_linked' });
    const member = await registerUser(h);
    expect(await signInWith('open', { sub: sub('taken'), email: member.email, email_verified: true })).toEqual({ oidc: 'error', reason: 'not_linked' });
    expect(await h.prisma.user.count({ where: { email: { in: [unverified, closed] } } })).toBe(0);
    expect(await h.prisma.oidcIdentity.count({ where: { userId: member.id } })).toBe(0);
    expect(onlyError(await h.gql(SIGN_UP, { c: 'made-up-code', n: '누구' }, { lang: 'en' })).message).toBe('The sign-up code is not valid or has expired. Please start again with the sign-in provider.');
  });
});

describe('unlinking', () => {
  it('the last way to sign in cannot be unlinked; with another identity or a password it can', async () => {
    const email = uniqueEmail('unlink');
    const landed = await signInWith('open', { sub: sub('only'), email, email_verified: true });
    const { accessToken, user } = (await h.gql(SIGN_UP, { c: landed.code, n: '하나뿐' })).data!.completeOidcSignUp;

    const last = onlyError(await h.gql(UNLINK, { p: 'open' }, { token: accessToken }));
    expect(last).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('마지막'), extensions: { reason: 'LAST_SIGN_IN_METHOD' } });
    expect(await h.prisma.oidcIdentity.count({ where: { userId: user.id } })).toBe(1);
    expect(onlyError(await h.gql(UNLINK, { p: 'closed' }, { token: accessToken })).code).toBe('NOT_FOUND');

    // A second identity: now the first may go, but not the second.
    await h.prisma.oidcIdentity.create({ data: { provider: 'closed', subject: sub('second'), userId: user.id } });
    expect((await h.gql(UNLINK, { p: 'open' }, { token: accessToken })).data!.unlinkOidcIdentity.linkedIdentities).toEqual([{ provider: 'closed' }]);
    expect(onlyError(await h.gql(UNLINK, { p: 'closed' }, { token: accessToken })).extensions.reason).toBe('LAST_SIGN_IN_METHOD');

    // Two unlinks at once cannot remove the last two ways in: one wins, one is refused.
    await h.prisma.oidcIdentity.create({ data: { provider: 'open', subject: sub('third'), userId: user.id } });
    const both = await Promise.all(['open', 'closed'].map((p) => h.gql(UNLINK, { p }, { token: accessToken })));
    expect(both.filter((r) => !r.errors)).toHaveLength(1);
    expect(both.filter((r) => r.errors).map((r) => onlyError(r).extensions.reason)).toEqual(['LAST_SIGN_IN_METHOD']);
    expect(await h.prisma.oidcIdentity.count({ where: { userId: user.id } })).toBe(1);

    // A member with a password may unlink their only identity.
    const member = await registerUser(h);
    await h.prisma.oidcIdentity.create({ data: { provider: 'open', subject: sub('pw'), userId: member.id } });
    expect((await h.gql(UNLINK, { p: 'open' }, { token: member.accessToken })).data!.unlinkOidcIdentity.linkedIdentities).toEqual([]);
    expect(onlyError(await h.gql(UNLINK, { p: 'open' })).code).toBe('UNAUTHENTICATED');
  });
});
