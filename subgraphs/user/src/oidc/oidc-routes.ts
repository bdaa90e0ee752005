// GET /auth/oidc/:provider/start and /callback (the gateway proxies /auth/*). Both answer with a
// redirect: to the provider, or to the app (OIDC_APP_REDIRECT_URL) with ?oidc=… — also when
// something is wrong (?oidc=error&reason=state|code|nonce|…), so the app can say what happened.
import type { Request } from 'express';
import type { Logger } from '@anshim/platform';
import type { HttpApp } from '../http-app.ts';
import { OIDC_COOKIE, FLOW_TTL_SECONDS, OidcFlowError, type OidcService } from './oidc-service.ts';

function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return decodeURIComponent(part.slice(at + 1).trim());
  }
  return undefined;
}

export function mountOidcRoutes(app: HttpApp, deps: { service: OidcService; secureCookies: () => boolean; logger: Logger }): void {
  const cookie = (value: string, maxAge: number) =>
    `${OIDC_COOKIE}=${encodeURIComponent(value)}; Path=/auth/oidc; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${deps.secureCookies() ? '; Secure' : ''}`;

  app.get('/auth/oidc/:provider/start', async (req, res) => {
    res.setHeader('cache-control', 'no-store');
    try {
      const link = typeof req.query.link === 'string' ? req.query.link : undefined;
      const { authorizationUrl, binding } = await deps.service.begin(String(req.params.provider), link);
      // Lax: the provider's redirect back is a top-level GET, which still carries the cookie.
      res.setHeader('set-cookie', cookie(binding, FLOW_TTL_SECONDS));
      res.redirect(302, authorizationUrl);
    } catch (error) {
      if (!(error instanceof OidcFlowError)) deps.logger.error({ err: error }, 'OIDC start failed');
      res.redirect(302, deps.service.failureUrl(error instanceof OidcFlowError ? error.reason : 'provider_unavailable'));
    }
  });

  app.get('/auth/oidc/:provider/callback', async (req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.setHeader('set-cookie', cookie('', 0));
    const query = new URLSearchParams(req.originalUrl.slice(req.originalUrl.indexOf('?') + 1 || req.originalUrl.length));
    try {
      res.redirect(302, await deps.service.finish(String(req.params.provider), query, cookieOf(req, OIDC_COOKIE)));
    } catch (error) {
      if (!(error instanceof OidcFlowError)) deps.logger.error({ err: error }, 'OIDC callback failed');
      res.redirect(302, deps.service.failureUrl(error instanceof OidcFlowError ? error.reason : 'provider_unavailable'));
    }
  });
}
