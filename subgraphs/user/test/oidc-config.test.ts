// OpenID Connect providers from the environment: names, per-provider settings, and refusals.
import { describe, expect, it } from 'vitest';
import { oidcProviderNames, parseOidcProviders } from '../src/env.ts';

const google = {
  OIDC_GOOGLE_ISSUER: 'https://accounts.google.com',
  OIDC_GOOGLE_CLIENT_ID: 'id',
  OIDC_GOOGLE_CLIENT_SECRET: 'secret',
  OIDC_GOOGLE_REDIRECT_URL: 'https://anshim.example/auth/oidc/google/callback',
};

describe('OIDC provider configuration', () => {
  it('reads a list of names, lower-cased, without repeats', () => {
    expect(oidcProviderNames(' Google, kakao ,google,')).toEqual(['google', 'kakao']);
    expect(oidcProviderNames('')).toEqual([]);
    expect(oidcProviderNames('bad name')).toBeNull();
    expect(oidcProviderNames('../x')).toBeNull();
  });

  it('builds each provider from its own variables, with defaults', () => {
    expect(parseOidcProviders(['google'], google, { allowHttp: false })).toEqual([
      {
        name: 'google',
        displayName: 'google',
        issuer: 'https://accounts.google.com',
        clientId: 'id',
        clientSecret: 'secret',
        redirectUrl: 'https://anshim.example/auth/oidc/google/callback',
        scopes: 'openid email profile',
      },
    ]);
  });
});
