// The configured OpenID Connect providers, discovered lazily (a provider that is down at start
// must not stop the service) and cached. Every HTTP call to a provider has a timeout; discovery
// and the token exchange go through the platform's retry + circuit breaker (ARCHITECTURE §4),
// except answers such as "this code is invalid", which are neither retried nor held against it.
import * as client from 'openid-client';
import { resilient } from '@anshim/platform';
import type { OidcProviderConfig } from '../env.ts';

export interface ProviderSettings {
  timeoutMs: number;
  allowHttp: boolean;
}

/** Errors that mean "the provider is unreachable or failing", as opposed to a refusal. */
export function isOutage(error: unknown): boolean {
  const e = error as { name?: string; code?: string; status?: number; cause?: unknown; message?: string };
  if (!e) return false;
  if (e.name === 'TypeError' || e.name === 'AbortError' || e.name === 'TimeoutError') return true;
  if (typeof e.status === 'number' && e.status >= 500) return true;
  if (/timed out|ECONNREFUSED|fetch failed/i.test(e.message ?? '')) return true;
  return e.cause ? isOutage(e.cause) : false;
}

export class OidcProviders {
  private readonly configs = new Map<string, Promise<client.Configuration>>();
  private readonly byName: Map<string, OidcProviderConfig>;
  private readonly discover: (provider: OidcProviderConfig) => Promise<client.Configuration>;
  private readonly grants = new Map<string, ReturnType<typeof this.guardedGrant>>();

  constructor(
    providers: readonly OidcProviderConfig[],
    private readonly settings: ProviderSettings,
  ) {
    this.byName = new Map(providers.map((p) => [p.name, p]));
    this.discover = resilient(
      (provider: OidcProviderConfig) =>
        client.discovery(new URL(provider.issuer), provider.clientId, { client_secret: provider.clientSecret }, client.ClientSecretPost(provider.clientSecret), {
          execute: settings.allowHttp ? [client.allowInsecureRequests] : [],
          timeout: Math.ceil(settings.timeoutMs / 1000),
        }),
      { name: 'oidc-discovery', timeoutMs: settings.timeoutMs, attempts: 2, backoffMs: 200 },
    );
  }

  list(): OidcProviderConfig[] {
    return [...this.byName.values()];
  }

  get(name: string): OidcProviderConfig | undefined {
    return this.byName.get(name);
  }

  /** The provider's metadata and client, discovered once; a failed discovery is tried again next time. */
  config(provider: OidcProviderConfig): Promise<client.Configuration> {
    let found = this.configs.get(provider.name);
    if (!found) {
      found = this.discover(provider);
      this.configs.set(provider.name, found);
      found.catch(() => this.configs.delete(provider.name));
    }
    return found;
  }

  /** Code → tokens with the PKCE, state and nonce checks; the ID token's claims and, if it has no email, userinfo's. */
  async exchange(
    provider: OidcProviderConfig,
    callbackUrl: URL,
    checks: { pkceCodeVerifier: string; expectedState: string; expectedNonce: string },
  ): Promise<{ subject: string; email: string | null; emailVerified: boolean }> {
    const config = await this.config(provider);
    let grant = this.grants.get(provider.name);
    if (!grant) {
      grant = this.guardedGrant(provider.name);
      this.grants.set(provider.name, grant);
    }
    return grant(config, callbackUrl, checks);
  }

  close(): void {
    for (const grant of this.grants.values()) grant.breaker.shutdown();
    (this.discover as unknown as { breaker: { shutdown(): void } }).breaker.shutdown();
  }

  private guardedGrant(name: string) {
    return resilient(
      async (config: client.Configuration, callbackUrl: URL, checks: { pkceCodeVerifier: string; expectedState: string; expectedNonce: string }) => {
        const tokens = await client.authorizationCodeGrant(config, callbackUrl, { ...checks, idTokenExpected: true });
        const claims = tokens.claims();
        if (!claims?.sub) throw new Error('the provider sent no subject');
        let email = typeof claims.email === 'string' ? claims.email : null;
        let emailVerified = claims.email_verified === true;
        if (!email && config.serverMetadata().userinfo_endpoint) {
          const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
          email = typeof info.email === 'string' ? info.email : null;
          emailVerified = info.email_verified === true;
        }
        return { subject: claims.sub, email: email?.trim().toLowerCase() ?? null, emailVerified };
      },
      // One attempt: an authorization code works once, so a retry could only ever be refused.
      { name: `oidc-${name}`, timeoutMs: this.settings.timeoutMs * 2, attempts: 1, backoffMs: 0, isAnswer: (error) => !isOutage(error) },
    );
  }
}
