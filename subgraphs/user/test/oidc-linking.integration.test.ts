// Linking an OpenID Connect account cannot be forced on someone (issue 16, point 6): a link flow
// starts only from an authenticated POST /auth/oidc/<p>/link that binds the browser with a cookie
// and answers 303 to the provider; no GET URL links; an attacker's flow finished in a victim's
// browser links nothing; and a provider email signs into an existing account only for providers on
// OIDC_EMAIL_LINK_PROVIDERS. A real provider (oidc-provider) drives every flow. Its redirects go to
// a callback host that does not exist (the gateway's place); the test carries each callback to the
// user service, as the gateway's /auth pass-through would.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar, followUntil, step, type TestOidcProvider } from '../../../test/support/oidc-provider.ts';
import { registerUser, UserHarness, OIDC_APP, OIDC_PUBLIC, startUserWithOidc, type RegisteredUser } from './support/harness.ts';

const PUBLIC = OIDC_PUBLIC;
const APP = OIDC_APP;
let oidc: TestOidcProvider;
let h: UserHarness;

beforeAll(async () => {
  ({ oidc, h } = await startUserWithOidc(['local', 'trusted'], { OIDC_EMAIL_LINK_PROVIDERS: 'trusted' }));
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await oidc?.stop();
});

const outcome = (url: string) => Object.fromEntries(new URL(url).searchParams);
/** The callback the provider sent the browser to, delivered to the user service. */
const toService = (callback: string) => callback.replace(PUBLIC, h.base);
/** The user service's routes answer only requests signed as the gateway signs its /auth pass-through. */
const send = (url: string, init: RequestInit) => (url.startsWith(h.base) ? h.send(url, init) : fetch(url, init));
const linked = (userId: string) => h.prisma.oidcIdentity.findMany({ where: { userId }, select: { provider: true, subject: true } });

/** POST /link from a browser (its cookie jar) with this Authorization header. */
async function postLink(jar: CookieJar, authorization?: string, provider = 'local', lang?: string): Promise<Response> {
  const url = `${h.base}/auth/oidc/${provider}/link`;
  const headers: Record<string, string> = {};
  if (authorization) headers.authorization = authorization;
  if (lang) headers['accept-language'] = lang;
  const response = await send(url, { method: 'POST', redirect: 'manual', headers });
  jar.store(url, response);
  return response;
}

/** From the provider's authorization URL to the app, in this browser, signed in at the provider as `sub`. */
async function finishAtProvider(jar: CookieJar, authorizationUrl: string, sub: string, email?: string, emailVerified = false): Promise<Record<string, string>> {
  oidc.account = { sub, email, email_verified: emailVerified };
  const callback = await followUntil(jar, authorizationUrl, PUBLIC);
  const { location } = await step(jar, toService(callback), send);
  return outcome(location!);
}

const sub = (tag: string) => `${tag}-${randomBytes(4).toString('hex')}`;

describe('linking starts only from an authenticated POST', () => {
  it('POST with the member’s Bearer token answers 303 to the provider with an HttpOnly SameSite=Lax cookie, and the flow links', async () => {
    const member = await registerUser(h);
    const jar = new CookieJar();
    const response = await postLink(jar, `Bearer ${member.accessToken}`);
    expect(response.status).toBe(303);
    const location = response.headers.get('location')!;
    expect(new URL(location).origin).toBe(oidc.issuer);
    const [cookie] = response.headers.getSetCookie();
    expect(cookie).toMatch(/^anshim_oidc=[^;]+; Path=\/auth\/oidc; HttpOnly; SameSite=Lax; Max-Age=600/);

    const account = sub('member');
    expect(await finishAtProvider(jar, location, account)).toEqual({ oidc: 'linked', provider: 'local' });
    expect(await linked(member.id)).toEqual([{ provider: 'local', subject: account }]);

    // startOidcLink hands out that POST endpoint, with no ticket a GET could use.
    const start = await h.gql(`mutation { startOidcLink(provider: "local") { url expiresAt } }`, {}, { token: member.accessToken });
    expect(start.data?.startOidcLink.url).toBe(`${PUBLIC}/auth/oidc/local/link`);
  });

  it('without a valid, signed-in Bearer token: 401 in the caller’s language, no cookie, no flow', async () => {
    const member = await registerUser(h);
    const signedOut = await registerUser(h);
    expect((await h.gql('mutation { logout }', {}, { token: signedOut.accessToken })).data).toEqual({ logout: true });
    for (const authorization of [undefined, 'Bearer not-a-token', `Basic ${member.accessToken}`, `Bearer ${signedOut.accessToken}`]) {
      const response = await postLink(new CookieJar(), authorization);
      expect(response.status).toBe(401);
      expect(response.headers.get('location')).toBeNull();
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(((await response.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringContaining('로그인') });
    }
    const english = await postLink(new CookieJar(), undefined, 'local', 'en');
    expect(((await english.json()) as { error: { message: string } }).error.message).toBe('Sign in first to link another sign-in provider. Please sign in again.');
    const unknown = await postLink(new CookieJar(), `Bearer ${member.accessToken}`, 'nope');
    expect(unknown.status).toBe(404);
  });

  it('a GET cannot link: GET /link does not exist and the old GET /start?link= signs nobody in and links nothing', async () => {
    const member = await registerUser(h);
    expect((await send(`${h.base}/auth/oidc/local/link`, { redirect: 'manual', headers: { authorization: `Bearer ${member.accessToken}` } })).status).toBe(404);
    const { status, location } = await step(new CookieJar(), `${h.base}/auth/oidc/local/start?link=${randomBytes(16).toString('hex')}`, send);
    expect(status).toBe(302);
    expect(outcome(location!)).toEqual({ oidc: 'error', reason: 'link_requires_post' });
    expect(await linked(member.id)).toEqual([]);
  });

  it('login CSRF: an attacker’s link flow finished in the victim’s browser links nothing', async () => {
    const attacker: RegisteredUser = await registerUser(h);
    const attackerBrowser = new CookieJar();
    const started = await postLink(attackerBrowser, `Bearer ${attacker.accessToken}`);
    expect(started.status).toBe(303);
    // The attacker sends the provider URL to the victim, whose browser has no binding cookie.
    const victimBrowser = new CookieJar();
    const victimAccount = sub('victim');
    expect(await finishAtProvider(victimBrowser, started.headers.get('location')!, victimAccount)).toEqual({ oidc: 'error', reason: 'state' });
    expect(await linked(attacker.id)).toEqual([]);
    expect(await h.prisma.oidcIdentity.count({ where: { subject: victimAccount } })).toBe(0);
  });
});

describe('signing in by a provider email links only for allow-listed providers', () => {
  it('a provider outside OIDC_EMAIL_LINK_PROVIDERS never joins an account by email; an allow-listed one does when both sides proved it', async () => {
    const member = await registerUser(h);
    await h.prisma.verification.create({ data: { userId: member.id, method: 'EMAIL' } });
    const account = sub('same-email');

    const browser = new CookieJar();
    const start = await step(browser, `${h.base}/auth/oidc/local/start`, send);
    expect(await finishAtProvider(browser, start.location!, account, member.email, true)).toEqual({ oidc: 'error', reason: 'not_linked' });
    expect(await linked(member.id)).toEqual([]);

    const trustedBrowser = new CookieJar();
    const trusted = await step(trustedBrowser, `${h.base}/auth/oidc/trusted/start`, send);
    const landed = await finishAtProvider(trustedBrowser, trusted.location!, account, member.email, true);
    expect(landed).toMatchObject({ oidc: 'signed_in', provider: 'trusted' });
    expect(await linked(member.id)).toEqual([{ provider: 'trusted', subject: account }]);

    // Even an allow-listed provider needs its own email_verified.
    const other = await registerUser(h);
    await h.prisma.verification.create({ data: { userId: other.id, method: 'EMAIL' } });
    const unverifiedBrowser = new CookieJar();
    const again = await step(unverifiedBrowser, `${h.base}/auth/oidc/trusted/start`, send);
    expect(await finishAtProvider(unverifiedBrowser, again.location!, sub('unverified'), other.email, false)).toEqual({ oidc: 'error', reason: 'not_linked' });
    expect(await linked(other.id)).toEqual([]);
  });
});

describe('a provider sign-in is no way around two-factor sign-in', () => {
  it('a linked account signs in through the provider; once two-factor is on, the provider sign-in is refused and opens no session', async () => {
    const member = await registerUser(h);
    const jar = new CookieJar();
    const account = sub('two-factor');
    expect(await finishAtProvider(jar, (await postLink(jar, `Bearer ${member.accessToken}`)).headers.get('location')!, account)).toEqual({ oidc: 'linked', provider: 'local' });
    const COMPLETE = `mutation($c: String!) { completeOidcSignIn(code: $c) { accessToken user { id } } }`;
    const signInAtProvider = async () => {
      const browser = new CookieJar();
      const start = await step(browser, `${h.base}/auth/oidc/local/start`, send);
      const landed = await finishAtProvider(browser, start.location!, account);
      expect(landed).toMatchObject({ oidc: 'signed_in', provider: 'local' });
      return landed.code!;
    };

    expect((await h.gql(COMPLETE, { c: await signInAtProvider() })).data?.completeOidcSignIn.user.id).toBe(member.id);

    // Two-factor on (setTwoFactor itself is tested with the SMS flow in account-security): the same provider sign-in is refused.
    await h.prisma.user.update({ where: { id: member.id }, data: { twoFactorEnabled: true } });
    const sessionsBefore = await h.prisma.refreshToken.count({ where: { userId: member.id } });
    const refused = await h.gql(COMPLETE, { c: await signInAtProvider() });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SECOND_FACTOR_REQUIRED', use: 'signIn' });
    expect(refused.data?.completeOidcSignIn ?? null).toBeNull();
    expect(await h.prisma.refreshToken.count({ where: { userId: member.id } })).toBe(sessionsBefore);
  });
});
