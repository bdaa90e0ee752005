// The platform's buildContext receives the verified identity but not the HTTP request, and
// logout needs one header from it (the forwarded `Authorization`, to learn the token's jti).
// A middleware in front of /graphql keeps that header in AsyncLocalStorage for the request;
// the body is parsed first, so everything after runs in this request's async context.
import { AsyncLocalStorage } from 'node:async_hooks';
import { jsonBody } from '@anshim/platform';
import type { Express } from 'express';

interface ForwardedHeaders {
  authorization: string | null;
}

const storage = new AsyncLocalStorage<ForwardedHeaders>();

export function mountForwardedHeaders(app: Express): void {
  app.use('/graphql', jsonBody(), (req, _res, next) => {
    const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : null;
    storage.run({ authorization }, next);
  });
}

export function forwardedAuthorization(): string | null {
  return storage.getStore()?.authorization ?? null;
}
