// OpenID Connect providers from the environment: OIDC_PROVIDERS=google,kakao names them, and each
// name N brings OIDC_N_ISSUER, OIDC_N_CLIENT_ID, OIDC_N_CLIENT_SECRET, OIDC_N_REDIRECT_URL and
// optionally OIDC_N_DISPLAY_NAME and OIDC_N_SCOPES. Called from env.ts only.
import { z } from 'zod';
import { parseEnv } from '@anshim/platform';

export interface OidcProviderConfig {
  /** Lower-case name used in URLs: /auth/oidc/<name>/start. */
  name: string;
  displayName: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Must be registered at the provider; normally <gateway>/auth/oidc/<name>/callback. */
  redirectUrl: string;
  scopes: string;
}

const NAME = /^[a-z][a-z0-9_]{0,30}$/;

/** `google, Kakao` → ['google', 'kakao']; null when a name is not usable in a URL and a variable name. */
export function oidcProviderNames(list: string): string[] | null {
  const names = list.split(',').map((n) => n.trim().toLowerCase()).filter(Boolean);
  if (!names.every((n) => NAME.test(n))) return null;
  return [...new Set(names)];
}

export function parseOidcProviders(names: readonly string[], source: Record<string, string | undefined>, options: { allowHttp: boolean }): OidcProviderConfig[] {
  if (names.length === 0) return [];
  const url = z.url({ protocol: options.allowHttp ? /^https?$/ : /^https$/, error: options.allowHttp ? 'an http(s) URL' : 'an https URL (OIDC_ALLOW_HTTP=true allows http for local tests)' });
  const shape: Record<string, z.ZodType> = {};
  for (const name of names) {
    const prefix = `OIDC_${name.toUpperCase()}_`;
    shape[`${prefix}ISSUER`] = url;
    shape[`${prefix}CLIENT_ID`] = z.string().min(1);
    shape[`${prefix}CLIENT_SECRET`] = z.string().min(1);
    shape[`${prefix}REDIRECT_URL`] = url.refine((v) => new URL(v).pathname.endsWith(`/auth/oidc/${name}/callback`), `must end with /auth/oidc/${name}/callback`);
    shape[`${prefix}DISPLAY_NAME`] = z.string().min(1).max(40).default(name);
    shape[`${prefix}SCOPES`] = z.string().default('openid email profile').refine((v) => v.split(/\s+/).includes('openid'), 'must include openid');
  }
  const parsed = parseEnv(z.object(shape), source as NodeJS.ProcessEnv, 'user') as Record<string, string>;
  return names.map((name) => {
    const prefix = `OIDC_${name.toUpperCase()}_`;
    return {
      name,
      displayName: parsed[`${prefix}DISPLAY_NAME`]!,
      issuer: parsed[`${prefix}ISSUER`]!,
      clientId: parsed[`${prefix}CLIENT_ID`]!,
      clientSecret: parsed[`${prefix}CLIENT_SECRET`]!,
      redirectUrl: parsed[`${prefix}REDIRECT_URL`]!,
      scopes: parsed[`${prefix}SCOPES`]!,
    };
  });
}
