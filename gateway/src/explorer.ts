// Serves the explorer bundle (GraphiQL, built by `npm run build` into gateway/explorer-dist): the
// page at /explorer and, for browsers, at GET /graphql; hashed assets under /explorer/assets/.
// Files are read once at start-up (static-files.ts).
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { cspHost, IMMUTABLE, loadBundle, sendStaticFile as send } from './static-files.ts';

/**
 * Everything the page may load comes from this gateway; the only other sources are data: URLs
 * (inline icons) and blob: workers. Monaco injects styles at run time, hence 'unsafe-inline' for styles.
 * The WebSocket of subscriptions is named with the host the browser used, as not every browser
 * lets 'self' cover ws:.
 */
const contentSecurityPolicy = (host: string | undefined) => [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  `connect-src 'self'${cspHost(host) ? ` ws://${host} wss://${host}` : ''}`,
  "worker-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Explorer not built</title>
<p>The explorer is not built. Run <code>npm run build</code> (or <code>npm start</code>, which builds it) and reload.</p>
<p>The GraphQL endpoint works without it: POST JSON to this URL.</p>`;

export interface Explorer {
  /** Mount at the root: /explorer, /explorer/ and /explorer/assets/*. */
  routes: Router;
  /** Mount on /graphql before Apollo: answers browsers (GET, HTML preferred, no `query`) with the page. */
  page: RequestHandler;
}

/** The explorer from a built folder (gateway/explorer-dist); a missing build answers with how to build it. */
export function createExplorer(distDir: string): Explorer {
  const { index, assets } = loadBundle(distDir);

  const sendPage = (req: Request, res: Response) => {
    res.vary('Accept');
    res.setHeader('Content-Security-Policy', contentSecurityPolicy(req.headers.host));
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (!index) {
      res.status(503).type('html').setHeader('Cache-Control', 'no-store').send(NOT_BUILT);
      return;
    }
    // Revalidated on every load, so a rebuilt bundle is picked up at once.
    send(req, res, index, 'no-cache');
  };

  const routes = Router();
  routes.get(['/explorer', '/explorer/'], sendPage);
  routes.get('/explorer/assets/:name', (req, res) => {
    const file = assets.get(req.params.name as string);
    if (!file) {
      res.status(404).type('text/plain').setHeader('Cache-Control', 'no-store').send('not found');
      return;
    }
    send(req, res, file, IMMUTABLE);
  });

  const page: RequestHandler = (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    // The same URL answers HTML or JSON by Accept: caches must keep them apart.
    res.vary('Accept');
    const wantsPage =
      req.query.query === undefined &&
      // JSON first, so `*/*` (curl, fetch) and JSON clients keep getting GraphQL.
      req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html';
    if (!wantsPage) return next();
    sendPage(req, res);
  };
  return { routes, page };
}
