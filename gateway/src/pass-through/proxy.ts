// Browser-facing HTTP routes of the services (OpenID Connect redirects, ID card photo upload and
// view, the local storage driver's files) reach them only through this pass-through, and only on
// the allow-list in allow-list.ts: anything else under a pass-through prefix is a 404 before
// anything is fetched. Each request is signed like every subgraph request (identity.ts): uploads
// (PUT) stream with the STREAMED body label, other bodies are read (≤ 1 MB) and hashed. The
// answer's status, Location and Set-Cookie pass back as they are (redirects are not followed).
// X-Forwarded-* tell the service how the browser reached us.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Express, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { bodySha256, localeFromHeader, pick, signIdentityHeaders, STREAMED_BODY, type Identity, type Logger } from '@anshim/platform';
import { matchPassThrough, upstreamUrl, type PassThroughRoute } from './allow-list.ts';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

const messages = {
  notFound: { ko: '요청한 주소를 찾을 수 없습니다.', en: 'There is nothing at this address.' },
  unavailable: { ko: '지금은 서비스에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요.', en: 'The service is not reachable right now. Please try again.' },
  notConfigured: { ko: '서비스가 설정되어 있지 않습니다.', en: 'The service is not configured.' },
  tooLarge: { ko: '요청 본문이 너무 큽니다.', en: 'The request body is too large.' },
  notOriginForm: { ko: '요청 주소는 /로 시작하는 경로여야 합니다.', en: 'The request target must be a path starting with /.' },
};

function forwardable(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !name.startsWith('x-anshim-')) out[name] = value;
  }
  return out;
}

export interface PassThroughOptions {
  /** Path prefixes this pass-through owns (every request under them is matched or refused). */
  prefixes: string[];
  routes: readonly PassThroughRoute[];
  /** Service name → its configured URL (only the origin is used). */
  serviceUrl: (service: string) => string | undefined;
  timeoutMs: number;
  internalSecret: string;
  /** The caller's verified identity (a bearer token), or null: signed either way. */
  identify: (req: Request) => Promise<Identity | null>;
  logger: Logger;
}

const MAX_BUFFERED_BODY = 1_048_576;

/** A non-upload body, whole, or null when larger than MAX_BUFFERED_BODY. */
async function readSmallBody(req: Request): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BUFFERED_BODY) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/** Only origin-form request targets (`/path?query`) reach any route: absolute-form and '*' are 400. */
export function refuseNonOriginForm(req: Request, res: Response, next: () => void): void {
  if (req.url.startsWith('/')) return next();
  req.resume();
  res.status(400).json({ error: { code: 'BAD_REQUEST', message: pick(messages.notOriginForm, localeFromHeader(req.headers['accept-language'])) } });
}

export function mountPassThrough(app: Express, options: PassThroughOptions): void {
  app.use(options.prefixes, async (req: Request, res: Response) => {
    const locale = localeFromHeader(req.headers['accept-language']);
    // originalUrl is the request target exactly as the client sent it.
    const target = matchPassThrough(options.routes, req.method, req.originalUrl);
    if (!target) {
      req.resume();
      res.status(404).json({ error: { code: 'NOT_FOUND', message: pick(messages.notFound, locale) } });
      return;
    }
    const serviceUrl = options.serviceUrl(target.service);
    if (!serviceUrl) {
      req.resume();
      res.status(502).json({ error: { code: 'BAD_GATEWAY', message: pick(messages.notConfigured, locale) } });
      return;
    }
    const url = upstreamUrl(serviceUrl, target);
    const streamed = req.method === 'PUT';
    const body = streamed ? undefined : await readSmallBody(req);
    if (body === null) {
      res.status(413).json({ error: { code: 'TOO_LARGE', message: pick(messages.tooLarge, locale) } });
      return;
    }
    const hasBody = streamed ? Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined : body!.length > 0;
    const identity = await options.identify(req).catch(() => null);
    const signed = { method: req.method, subgraph: target.service, path: `${url.pathname}${url.search}`, bodySha256: streamed && hasBody ? STREAMED_BODY : bodySha256(body ?? '') };
    const headers: Record<string, string | string[]> = { ...forwardable(req.headers), ...signIdentityHeaders(options.internalSecret, identity, signed, `gw-${randomUUID()}`) };
    if (body) {
      delete headers['transfer-encoding'];
      headers['content-length'] = String(body.length);
    }
    headers['x-forwarded-host'] = req.headers.host ?? '';
    headers['x-forwarded-proto'] = req.protocol;
    headers['x-forwarded-for'] = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const upstream = send(url, { method: req.method, headers, timeout: options.timeoutMs }, (answer) => {
      res.status(answer.statusCode ?? 502);
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) res.setHeader(name, value);
      }
      answer.pipe(res);
    });
    upstream.on('timeout', () => upstream.destroy(new Error('upstream timeout')));
    upstream.on('error', (error) => {
      options.logger.warn({ err: error, path: target.path, service: target.service }, 'pass-through failed');
      if (!res.headersSent) res.status(502).json({ error: { code: 'BAD_GATEWAY', message: pick(messages.unavailable, locale) } });
      else res.destroy();
    });
    if (streamed) req.pipe(upstream);
    else upstream.end(body);
  });
}
