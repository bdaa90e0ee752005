import type { RequestHandler } from 'express';
import { REQUEST_ID_HEADER, requestIdOf, type Logger } from '@anshim/platform';

export interface RequestLocals {
  requestId: string;
  logger: Logger;
}

/**
 * Takes a well-formed incoming x-request-id or makes one, echoes it in the response and gives
 * the request a child logger carrying it; logs each request when its response is sent.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const requestId = requestIdOf(req);
    const child = logger.child({ requestId });
    res.locals.requestId = requestId;
    res.locals.logger = child;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const started = performance.now();
    res.on('finish', () => {
      const entry = { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(performance.now() - started) };
      if (req.path === '/graphql') child.info(entry, 'request');
      else child.debug(entry, 'request');
    });
    next();
  };
}

export function requestLocals(locals: Record<string, unknown>): RequestLocals {
  return { requestId: locals.requestId as string, logger: locals.logger as Logger };
}
