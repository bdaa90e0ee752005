// GET /auth/oidc/:provider/start and /callback, POST /auth/oidc/:provider/link (the gateway
// passes these through). start and callback answer with a redirect: to the provider, or to the
// app (OIDC_APP_REDIRECT_URL) with ?oidc=… — also when something is wrong
// (?oidc=error&reason=state|code|nonce|…), so the app can say what happened. link answers 303 to
// the provider, or a JSON refusal `{ error: { code, message } }` (401, 404, 503) in the caller's language.
import type { Request } from 'express';
import { localeFromHeader, pick, type Logger } from '@anshim/platform';
import { messages } from '../messages.ts';
import type { HttpApp } from '../model.ts';
import { OIDC_COOKIE, FLOW_TTL_SECONDS, OidcFlowError, OidcLinkRefused, type OidcService } from './oidc-service.ts';

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

  app.post('/auth/oidc/:provider/link', async (req, res) => {
    res.setHeader('cache-control', 'no-store');
    req.resume();
    try {
      const { authorizationUrl, binding } = await deps.service.beginLink(String(req.params.provider), req.headers.authorization);
      res.setHeader('set-cookie', cookie(binding, FLOW_TTL_SECONDS));
      // 303: the browser follows with a GET to the provider, not a re-POST.
      res.redirect(303, authorizationUrl);
    } catch (error) {
      const refused = error instanceof OidcLinkRefused ? error : new OidcLinkRefused(503, 'SERVICE_UNAVAILABLE');
      if (!(error instanceof OidcLinkRefused)) deps.logger.error({ err: error }, 'OIDC link start failed');
      if (refused.status === 401) res.setHeader('www-authenticate', 'Bearer');
      const text = messages.oidcLinkRefused[refused.code];
      res.status(refused.status).json({ error: { code: refused.code, message: pick(text, localeFromHeader(req.headers['accept-language'])) } });
    }
  });

  app.get('/auth/oidc/:provider/start', async (req, res) => {
    res.setHeader('cache-control', 'no-store');
    try {
      // The old `?link=<ticket>` URL: linking starts only from the authenticated POST /link now.
      if (req.query.link !== undefined) throw new OidcFlowError('link_requires_post');
      const { authorizationUrl, binding } = await deps.service.begin(String(req.params.provider));
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
