// /auth/* is the user service's HTTP surface for browsers (OpenID Connect redirects, ID card photo
// upload and view): the gateway passes it through untouched — method, path and query string,
// body streamed, and the answer's status, Location and Set-Cookie as they are (redirects are not
// followed). X-Forwarded-* tell the user service how the browser reached us.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Express, Request, Response } from 'express';
import type { Logger } from '@anshim/platform';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

function forwardable(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !name.startsWith('x-anshim-')) out[name] = value;
  }
  return out;
}

export function mountAuthProxy(app: Express, options: { target: () => string | undefined; timeoutMs: number; logger: Logger }): void {
  app.use('/auth', (req: Request, res: Response) => {
    const graphqlUrl = options.target();
    if (!graphqlUrl) {
      res.status(502).json({ error: { code: 'BAD_GATEWAY', message: 'The user service is not configured.' } });
      return;
    }
    const origin = new URL(graphqlUrl);
    const url = new URL(req.originalUrl, origin.origin);
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
      options.logger.warn({ err: error, path: req.path }, 'auth proxy failed');
      if (!res.headersSent) res.status(502).json({ error: { code: 'BAD_GATEWAY', message: 'The sign-in service is not reachable right now. Please try again.' } });
      else res.destroy();
    });
    req.pipe(upstream);
  });
}
