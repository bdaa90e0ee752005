// Sign-in and account linking with OpenID Connect providers (authorization code + PKCE, state and
// nonce). Everything a flow needs (PKCE verifier, nonce, purpose, the user who links, a hash of a
// browser-binding cookie) is kept in Redis under the state, for 10 minutes, and taken out exactly
// once (GETDEL): a replayed callback finds nothing.
//
// How the pieces meet a browser, which cannot carry a Bearer header through redirects:
// - linking: the signed-in app POSTs /auth/oidc/<p>/link with `Authorization: Bearer <access
//   token>` (checked here: signature, expiry, logout blacklist, revoked-before). Only that
//   request, from the member's own browser, creates a link flow. No GET URL and no transferable
//   ticket can link: a link URL opened in someone else's browser would otherwise attach that
//   person's provider account to the sender's account (login CSRF, account-linking attack);
// - signing in: the app opens GET /auth/oidc/<p>/start directly (it never links);
// - both set an HttpOnly, SameSite=Lax cookie bound to the flow and redirect to the provider
//   (303 after the POST); the callback requires that cookie (a provider URL or callback URL sent
//   to someone else's browser does nothing);
// - after the callback the browser goes to OIDC_APP_REDIRECT_URL with ?oidc=linked, or
//   ?oidc=signed_in&code=<one-time code, 2 minutes> that the app exchanges with
//   completeOidcSignIn for the usual AuthPayload. Tokens never appear in a URL.
// An identity that is not linked signs in by email only for providers on OIDC_EMAIL_LINK_PROVIDERS
// (default: none), and only when the provider vouches for the email (email_verified) and our
// account proved the same email too (EMAIL verification); it is then linked. For every other
// provider the member signs in with their password and links explicitly.
import * as client from 'openid-client';
import { BadInputError, blacklistKey, NotFoundError, randomToken, requireIdentity, revokedBeforeKey, safeEqual, sha256, UnauthenticatedError, verifyAccessToken, type Logger, type Redis } from '@anshim/platform';
import type { AuthPayload, AuthService } from '../auth/auth-service.ts';
import { transaction, type UserPrisma } from '../database.ts';
import type { OidcProviderConfig } from '../env.ts';
import { messages } from '../messages.ts';
import type { UserEvents } from '../outbound/user-events.ts';
import { isSelf, type RequestScope } from '../scope.ts';
import type { UserRepository } from '../users/user-repository.ts';
import { isOutage, type OidcProviders } from './oidc-providers.ts';
import type { LinkedIdentityRecord, OidcRepository } from './oidc-repository.ts';

export const FLOW_TTL_SECONDS = 10 * 60;
export const SIGN_IN_CODE_TTL_SECONDS = 2 * 60;
export const OIDC_COOKIE = 'anshim_oidc';

const flowKey = (state: string) => `oidc:flow:${sha256(state)}`;
const signInKey = (code: string) => `oidc:signin:${sha256(code)}`;

/** Why a flow ended without success; the app receives it as ?oidc=error&reason=<reason>. */
export type OidcFailure =
  | 'unknown_provider'
  | 'link_requires_post'
  | 'state'
  | 'denied'
  | 'code'
  | 'nonce'
  | 'provider_unavailable'
  | 'identity_taken'
  | 'provider_already_linked'
  | 'not_linked';

/** Why POST /link refused before any redirect (answered as JSON with this HTTP status). */
export class OidcLinkRefused extends Error {
  constructor(readonly status: 401 | 404 | 503, readonly code: 'UNAUTHENTICATED' | 'NOT_FOUND' | 'SERVICE_UNAVAILABLE') {
    super(code);
  }
}

export class OidcFlowError extends Error {
  constructor(readonly reason: OidcFailure) {
    super(reason);
  }
}

/** openid-client wraps the check that failed; the nonce comparison names its claim in a cause. */
function isNonceMismatch(error: unknown): boolean {
  for (let e = error as { message?: string; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if ((e as { claim?: string }).claim === 'nonce' || /"nonce"/.test(e.message ?? '')) return true;
  }
  return false;
}

interface Flow {
  provider: string;
  verifier: string;
  nonce: string;
  purpose: 'signin' | 'link';
  userId: string | null;
  /** sha256 of the browser's cookie value. */
  binding: string;
}

export interface OidcServiceDeps {
  prisma: UserPrisma;
  redis: Redis;
  users: UserRepository;
  identities: OidcRepository;
  providers: OidcProviders;
  auth: AuthService;
  events: UserEvents;
  logger: Logger;
  afterCommit: () => void;
  publicBaseUrl: () => string;
  appRedirectUrl: string;
  /** Verifies the Bearer token of POST /link. */
  jwtSecret: string;
  /** Providers whose verified email may sign into (and link) the account with that proved email. */
  emailLinkProviders: ReadonlySet<string>;
  /** Sign-up with a provider (oidc-sign-up.ts): a one-time code when the identity may create an account. */
  signUps?: { offer(provider: string, result: { subject: string; email: string | null; emailVerified: boolean }): Promise<string | null> };
}

export class OidcService {
  constructor(private readonly deps: OidcServiceDeps) {}

  list(): Array<{ name: string; displayName: string; signInUrl: string }> {
    return this.deps.providers.list().map((p) => ({ name: p.name, displayName: p.displayName, signInUrl: this.startUrl(p.name) }));
  }

  async linkedOf(scope: RequestScope, userId: string): Promise<LinkedIdentityRecord[]> {
    // isSelf: also the member who just signed in or up (their AuthPayload shows their own links).
    if (!isSelf(scope, userId) && scope.identity?.role !== 'ADMIN') return [];
    return this.deps.identities.listOf(userId);
  }

  /** startOidcLink: where the signed-in app POSTs (with its Bearer token) to begin linking. */
  async startLink(scope: RequestScope, providerName: string): Promise<{ url: string; expiresAt: Date }> {
    requireIdentity(scope);
    const provider = this.deps.providers.get(providerName.trim().toLowerCase());
    if (!provider) throw new NotFoundError(messages.oidcUnknownProvider, { field: 'provider', known: this.deps.providers.list().map((p) => p.name) });
    return { url: `${this.routeBase(provider.name)}/link`, expiresAt: new Date(Date.now() + FLOW_TTL_SECONDS * 1000) };
  }

  /** GET /start: a sign-in flow (never a link); returns where to send the browser, plus the cookie value binding it. */
  async begin(providerName: string): Promise<{ authorizationUrl: string; binding: string }> {
    return this.beginFlow(this.requireProvider(providerName), null);
  }

  /**
   * POST /link: the Bearer token names the member (the same checks as the gateway's), and the
   * flow is bound to the browser that sent it through the returned cookie value.
   */
  async beginLink(providerName: string, authorization: string | undefined): Promise<{ authorizationUrl: string; binding: string }> {
    const userId = await this.memberOf(authorization);
    const provider = this.deps.providers.get(providerName);
    if (!provider) throw new OidcLinkRefused(404, 'NOT_FOUND');
    const account = await this.deps.users.findById(userId);
    if (!account || account.status !== 'ACTIVE') throw new OidcLinkRefused(401, 'UNAUTHENTICATED');
    try {
      return await this.beginFlow(provider, userId);
    } catch (error) {
      if (error instanceof OidcFlowError) throw new OidcLinkRefused(503, 'SERVICE_UNAVAILABLE');
      throw error;
    }
  }

  /** The user id of a valid, not signed-out, not revoked access token; else 401. */
  private async memberOf(authorization: string | undefined): Promise<string> {
    const token = /^Bearer +([^\s]+)\s*$/i.exec(authorization ?? '')?.[1];
    if (!token) throw new OidcLinkRefused(401, 'UNAUTHENTICATED');
    const checked = await verifyAccessToken(this.deps.jwtSecret, token);
    if (!checked.ok) throw new OidcLinkRefused(401, 'UNAUTHENTICATED');
    const [blacklisted, revokedBefore] = await this.deps.redis.mget(blacklistKey(checked.claims.jti), revokedBeforeKey(checked.claims.userId));
    if (blacklisted !== null || (revokedBefore !== null && checked.claims.iat * 1000 <= Number(revokedBefore))) throw new OidcLinkRefused(401, 'UNAUTHENTICATED');
    return checked.claims.userId;
  }

  private async beginFlow(provider: OidcProviderConfig, userId: string | null): Promise<{ authorizationUrl: string; binding: string }> {
    const config = await this.deps.providers.config(provider).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, provider: provider.name }, 'OIDC discovery failed');
      throw new OidcFlowError('provider_unavailable');
    });
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const binding = randomToken();
    const flow: Flow = { provider: provider.name, verifier, nonce, purpose: userId ? 'link' : 'signin', userId, binding: sha256(binding) };
    await this.deps.redis.set(flowKey(state), JSON.stringify(flow), 'EX', FLOW_TTL_SECONDS);
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: provider.redirectUrl,
      scope: provider.scopes,
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { authorizationUrl: url.href, binding };
  }

  /**
   * GET /callback: takes the flow out by its state (once), checks the browser binding, exchanges
   * the code with PKCE and the nonce check, then links or signs in. Returns the app URL to go to.
   */
  async finish(providerName: string, query: URLSearchParams, bindingCookie: string | undefined): Promise<string> {
    const provider = this.requireProvider(providerName);
    const state = query.get('state') ?? '';
    const raw = state ? await this.deps.redis.getdel(flowKey(state)) : null;
    if (!raw) throw new OidcFlowError('state');
    const flow = JSON.parse(raw) as Flow;
    if (flow.provider !== provider.name || !bindingCookie || !safeEqual(sha256(bindingCookie), flow.binding)) throw new OidcFlowError('state');
    if (query.get('error')) throw new OidcFlowError('denied');

    // openid-client derives redirect_uri from this URL: the registered one plus the provider's answer.
    const callbackUrl = new URL(provider.redirectUrl);
    for (const [name, value] of query) callbackUrl.searchParams.append(name, value);
    let result: { subject: string; email: string | null; emailVerified: boolean };
    try {
      result = await this.deps.providers.exchange(provider, callbackUrl, { pkceCodeVerifier: flow.verifier, expectedState: state, expectedNonce: flow.nonce });
    } catch (error) {
      const reason: OidcFailure = isOutage(error) || (error instanceof Error && error.name === 'CircuitOpenError') ? 'provider_unavailable' : isNonceMismatch(error) ? 'nonce' : 'code';
      this.deps.logger.warn({ err: error, provider: provider.name, reason }, 'OIDC callback refused');
      throw new OidcFlowError(reason);
    }

    if (flow.purpose === 'link') {
      await this.link(flow.userId!, provider, result);
      return this.appUrl({ oidc: 'linked', provider: provider.name });
    }
    // Neither linked nor an account with this email: perhaps a sign-up (the app then asks for a nickname).
    if (!(await this.deps.identities.find(provider.name, result.subject))) {
      const signUpCode = await this.deps.signUps?.offer(provider.name, result);
      if (signUpCode) return this.appUrl({ oidc: 'sign_up', provider: provider.name, code: signUpCode });
    }
    const userId = await this.signInTarget(provider, result);
    const code = randomToken();
    await this.deps.redis.set(signInKey(code), userId, 'EX', SIGN_IN_CODE_TTL_SECONDS);
    return this.appUrl({ oidc: 'signed_in', provider: provider.name, code });
  }

  /** completeOidcSignIn: the one-time code from the app URL → the normal AuthPayload. */
  async complete(scope: RequestScope, code: string): Promise<AuthPayload> {
    const trimmed = code.trim();
    if (!trimmed || trimmed.length > 200) throw new BadInputError(messages.oidcCodeInvalid, { fields: [{ field: 'code', reason: 'invalid' }] });
    const userId = await this.deps.redis.getdel(signInKey(trimmed));
    if (!userId) throw new UnauthenticatedError(messages.oidcCodeInvalid);
    return this.deps.auth.signInAs(scope, userId);
  }

  failureUrl(reason: OidcFailure): string {
    return this.appUrl({ oidc: 'error', reason });
  }

  private async link(userId: string, provider: OidcProviderConfig, result: { subject: string; email: string | null }): Promise<void> {
    const existing = await this.deps.identities.find(provider.name, result.subject);
    if (existing && existing.userId !== userId) throw new OidcFlowError('identity_taken');
    if (existing) return;
    const other = await this.deps.identities.ofUser(userId, provider.name);
    if (other) throw new OidcFlowError('provider_already_linked');
    await this.recordLink(userId, provider.name, result);
  }

  private async signInTarget(provider: OidcProviderConfig, result: { subject: string; email: string | null; emailVerified: boolean }): Promise<string> {
    const linked = await this.deps.identities.find(provider.name, result.subject);
    if (linked) return linked.userId;
    // Not linked: only an allow-listed provider, and both sides having proved the same email, may join them.
    if (!this.deps.emailLinkProviders.has(provider.name)) throw new OidcFlowError('not_linked');
    if (!result.email || !result.emailVerified) throw new OidcFlowError('not_linked');
    const account = await this.deps.users.findByEmail(result.email);
    if (!account) throw new OidcFlowError('not_linked');
    const proved = (await this.deps.users.verificationsOf([account.id])).some((v) => v.method === 'EMAIL');
    if (!proved || (await this.deps.identities.ofUser(account.id, provider.name))) throw new OidcFlowError('not_linked');
    await this.recordLink(account.id, provider.name, result);
    return account.id;
  }

  /** The link, the OAUTH verification (first link only) and user.verified commit together. */
  private async recordLink(userId: string, provider: string, result: { subject: string; email: string | null }): Promise<void> {
    const now = new Date();
    const verifiedBefore = (await this.deps.users.verificationsOf([userId])).some((v) => v.method === 'OAUTH');
    await transaction(this.deps.prisma, async (tx) => {
      if (!(await this.deps.identities.link(tx, { provider, subject: result.subject, userId, email: result.email, linkedAt: now }))) {
        throw new OidcFlowError('identity_taken');
      }
      if (!verifiedBefore) {
        await this.deps.users.addVerification(tx, userId, 'OAUTH', now);
        await this.deps.events.verified(tx, userId, 'OAUTH', now);
      }
    });
    this.deps.afterCommit();
  }

  private requireProvider(name: string): OidcProviderConfig {
    const provider = this.deps.providers.get(name);
    if (!provider) throw new OidcFlowError('unknown_provider');
    return provider;
  }

  private routeBase(name: string): string {
    return `${this.deps.publicBaseUrl().replace(/\/$/, '')}/auth/oidc/${name}`;
  }

  private startUrl(name: string): string {
    return `${this.routeBase(name)}/start`;
  }

  private appUrl(params: Record<string, string>): string {
    const url = new URL(this.deps.appRedirectUrl);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return url.href;
  }
}
