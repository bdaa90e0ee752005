// A built web bundle (index.html plus content-hashed assets) read once at start-up, with the gzip
// copies the build wrote beside each file: what the explorer and the admin console serve from.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Request, Response } from 'express';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

export interface StaticFile {
  type: string;
  body: Buffer;
  gzip?: Buffer;
  etag: string;
}

export function loadStaticFile(path: string): StaticFile {
  const body = readFileSync(path);
  const gzipPath = `${path}.gz`;
  return {
    type: CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
    body,
    gzip: existsSync(gzipPath) ? readFileSync(gzipPath) : undefined,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
  };
}

/** A bundle folder's index.html (undefined when not built) and its assets/ by file name. */
export function loadBundle(distDir: string): { index: StaticFile | undefined; assets: Map<string, StaticFile> } {
  const built = existsSync(join(distDir, 'index.html'));
  const assets = new Map<string, StaticFile>();
  const assetDir = join(distDir, 'assets');
  if (built && existsSync(assetDir)) {
    for (const name of readdirSync(assetDir)) if (!name.endsWith('.gz')) assets.set(name, loadStaticFile(join(assetDir, name)));
  }
  return { index: built ? loadStaticFile(join(distDir, 'index.html')) : undefined, assets };
}

/** Sends a file (gzip when the browser accepts it), or 304 when the browser holds this version. */
export function sendStaticFile(req: Request, res: Response, file: StaticFile, cacheControl: string): void {
  res.setHeader('Content-Type', file.type);
  res.setHeader('Cache-Control', cacheControl);
  res.setHeader('ETag', file.etag);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.vary('Accept-Encoding');
  if (req.headers['if-none-match'] === file.etag) {
    res.status(304).end();
    return;
  }
  const gzip = file.gzip && req.acceptsEncodings('gzip', 'identity') === 'gzip';
  if (gzip) res.setHeader('Content-Encoding', 'gzip');
  const body = gzip ? file.gzip! : file.body;
  res.setHeader('Content-Length', body.length);
  res.status(200).end(req.method === 'HEAD' ? undefined : body);
}

/** Hashed asset names: a changed file gets a new name, so browsers may keep each for good. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The host a browser used, when safe to name in a Content-Security-Policy (ws: sources need it). */
export const cspHost = (host: string | undefined): string | undefined => (host && /^[\w.:[\]-]+$/.test(host) ? host : undefined);
