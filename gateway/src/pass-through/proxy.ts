// Browser-facing HTTP routes of the services (OpenID Connect redirects, ID card photo upload and
// view) reach them only through this pass-through, and only on the allow-list in allow-list.ts:
// anything else under a pass-through prefix is a 404 before anything is fetched. The body is
// streamed, the answer's status, Location and Set-Cookie pass back as they are (redirects are not
// followed). X-Forwarded-* tell the service how the browser reached us.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Express, Request, Response } from 'express';
import { localeFromHeader, pick, type Logger } from '@anshim/platform';
import { matchPassThrough, upstreamUrl, type PassThroughRoute } from './allow-list.ts';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

const messages = {
  notFound: { ko: '요청한 주소를 찾을 수 없습니다.', en: 'There is nothing at this address.' },
  unavailable: { ko: '지금은 서비스에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요.', en: 'The service is not reachable right now. Please try again.' },
  notConfigured: { ko: '서비스가 설정되어 있지 않습니다.', en: 'The service is not configured.' },
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
  logger: Logger;
}

/** Only origin-form request targets (`/path?query`) reach any route: absolute-form and '*' are 400. */
export function refuseNonOriginForm(req: Request, res: Response, next: () => void): void {
  if (req.url.startsWith('/')) return next();
  req.resume();
  res.status(400).json({ error: { code: 'BAD_REQUEST', message: pick(messages.notFound, localeFromHeader(req.headers['accept-language'])) } });
}

export function mountPassThrough(app: Express, options: PassThroughOptions): void {
  app.use(options.prefixes, (req: Request, res: Response) => {
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
    const headers = forwardable(req.headers);
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
    req.pipe(upstream);
  });
}
