// Serves the moderator console (gateway/admin, built by `npm run build` into gateway/admin-dist) at
// /admin, hashed assets under /admin/assets/. The page is only a client of /graphql: every figure
// it shows comes from there with the moderator's token, so serving it grants nothing by itself.
import { Router, type Request, type Response } from 'express';
import { IMMUTABLE, loadBundle, sendStaticFile } from './static-files.ts';

/**
 * Stricter than the explorer's: no inline styles or scripts, no workers; requests (the live alert
 * feed's graphql-ws socket too: CSP 3's 'self' covers ws: and wss: on the same host) to this gateway only. Images
 * are evidence files, which come through this gateway (/report/files) unless stored on S3: its
 * origin is then named in `mediaOrigins` (ADMIN_CONSOLE_MEDIA_ORIGINS).
 */
export function adminContentSecurityPolicy(mediaOrigins: readonly string[]): string {
  const media = mediaOrigins.map((origin) => ` ${origin}`).join('');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data:${media}`,
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Admin console not built</title>
<p>The moderator console is not built. Run <code>npm run build</code> (or <code>npm start</code>, which builds it) and reload.</p>`;

export interface AdminConsoleSettings {
  /** The built bundle (gateway/admin-dist). */
  dir: string;
  /** Origins evidence images may come from besides this gateway (S3 or a CDN). */
  mediaOrigins: string[];
}

/** Routes for /admin, /admin/ and /admin/assets/*; a missing build answers with how to build it. */
export function createAdminConsole(settings: AdminConsoleSettings): Router {
  const { index, assets } = loadBundle(settings.dir);
  const policy = adminContentSecurityPolicy(settings.mediaOrigins);

  const sendPage = (req: Request, res: Response) => {
    res.setHeader('Content-Security-Policy', policy);
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    if (!index) {
      res.status(503).type('html').setHeader('Cache-Control', 'no-store').send(NOT_BUILT);
      return;
    }
    // Revalidated on every load, so a rebuilt bundle is picked up at once.
    sendStaticFile(req, res, index, 'no-cache');
  };

  const routes = Router();
  routes.get(['/admin', '/admin/'], sendPage);
  routes.get('/admin/assets/:name', (req, res) => {
    const file = assets.get(req.params.name as string);
    if (!file) {
      res.status(404).type('text/plain').setHeader('Cache-Control', 'no-store').send('not found');
      return;
    }
    sendStaticFile(req, res, file, IMMUTABLE);
  });
  return routes;
}
