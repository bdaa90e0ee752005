// Sign-in and account linking with OpenID Connect providers (authorization code + PKCE, state and
// nonce). Everything a flow needs (PKCE verifier, nonce, purpose, the user who links, a hash of a
// browser-binding cookie) is kept in Redis under the state, for 10 minutes, and taken out exactly
// once (GETDEL): a replayed callback finds nothing.
//
// How the pieces meet a browser, which cannot carry a Bearer header through redirects:
// - linking: the signed-in app calls startOidcLink, gets /auth/oidc/<p>/start?link=<ticket> (a
//   one-time ticket valid 5 minutes naming the user) and opens it;
// - signing in: the app opens /auth/oidc/<p>/start directly;
// - start sets an HttpOnly cookie bound to the flow and redirects to the provider; the callback
//   requires that cookie (a callback URL sent to someone else's browser does nothing);
// - after the callback the browser goes to OIDC_APP_REDIRECT_URL with ?oidc=linked, or
//   ?oidc=signed_in&code=<one-time code, 2 minutes> that the app exchanges with
//   completeOidcSignIn for the usual AuthPayload. Tokens never appear in a URL.
// An identity that is not linked signs in only when the provider vouches for the email
// (email_verified) and our account proved the same email too (EMAIL verification); it is then
// linked. An unverified provider email never merges into an existing account.
import * as client from 'openid-client';
import { BadInputError, NotFoundError, UnauthenticatedError, randomToken, safeEqual, sha256, type Logger, type Redis } from '@anshim/platform';
import type { AuthPayload, AuthService } from '../auth-service.ts';
import type { RequestScope } from '../context.ts';
import { transaction, type UserPrisma } from '../database.ts';
import type { UserEvents } from '../events/user-events.ts';
import { messages } from '../messages.ts';
import type { UserRepository } from '../user-repository.ts';
import { requireIdentity } from '../user-service.ts';
import type { OidcProviderConfig } from './oidc-config.ts';
import { isOutage, type OidcProviders } from './oidc-providers.ts';
import type { LinkedIdentityRecord, OidcRepository } from './oidc-repository.ts';

export const FLOW_TTL_SECONDS = 10 * 60;
export const LINK_TICKET_TTL_SECONDS = 5 * 60;
export const SIGN_IN_CODE_TTL_SECONDS = 2 * 60;
export const OIDC_COOKIE = 'anshim_oidc';

const flowKey = (state: string) => `oidc:flow:${sha256(state)}`;
const linkKey = (ticket: string) => `oidc:link:${sha256(ticket)}`;
const signInKey = (code: string) => `oidc:signin:${sha256(code)}`;

/** Why a flow ended without success; the app receives it as ?oidc=error&reason=<reason>. */
export type OidcFailure =
  | 'unknown_provider'
  | 'link_expired'
  | 'state'
  | 'denied'
  | 'code'
  | 'nonce'
  | 'provider_unavailable'
  | 'identity_taken'
  | 'provider_already_linked'
  | 'not_linked';

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
}

export class OidcService {
  constructor(private readonly deps: OidcServiceDeps) {}

  list(): Array<{ name: string; displayName: string; signInUrl: string }> {
    return this.deps.providers.list().map((p) => ({ name: p.name, displayName: p.displayName, signInUrl: this.startUrl(p.name) }));
  }

  async linkedOf(scope: RequestScope, userId: string): Promise<LinkedIdentityRecord[]> {
    const identity = scope.identity;
    if (!identity || (identity.userId !== userId && identity.role !== 'ADMIN')) return [];
    return this.deps.identities.listOf(userId);
  }

  /** startOidcLink: a one-time ticket naming the signed-in user, inside the start URL. */
  async startLink(scope: RequestScope, providerName: string): Promise<{ url: string; expiresAt: Date }> {
    const identity = requireIdentity(scope);
    const provider = this.deps.providers.get(providerName.trim().toLowerCase());
    if (!provider) throw new NotFoundError(messages.oidcUnknownProvider, { field: 'provider', known: this.deps.providers.list().map((p) => p.name) });
    const ticket = randomToken();
    await this.deps.redis.set(linkKey(ticket), identity.userId, 'EX', LINK_TICKET_TTL_SECONDS);
    return { url: `${this.startUrl(provider.name)}?${new URLSearchParams({ link: ticket })}`, expiresAt: new Date(Date.now() + LINK_TICKET_TTL_SECONDS * 1000) };
  }

  /** GET /start: records the flow and returns where to send the browser, plus the cookie value binding it. */
  async begin(providerName: string, linkTicket: string | undefined): Promise<{ authorizationUrl: string; binding: string }> {
    const provider = this.requireProvider(providerName);
    let userId: string | null = null;
    if (linkTicket !== undefined) {
      userId = linkTicket ? await this.deps.redis.getdel(linkKey(linkTicket)) : null;
      if (!userId) throw new OidcFlowError('link_expired');
    }
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
    // Not linked: only both sides having proved the same email may join them.
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

  private startUrl(name: string): string {
    return `${this.deps.publicBaseUrl().replace(/\/$/, '')}/auth/oidc/${name}/start`;
  }

  private appUrl(params: Record<string, string>): string {
    const url = new URL(this.deps.appRedirectUrl);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return url.href;
  }
}
