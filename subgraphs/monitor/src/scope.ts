// The request scope every service method receives: the platform's request context (verified
// identity, request id, locale, logger), this request's loaders and the process's one Redis
// subscriber, plus the two questions every service asks of it (signed in? ADMIN?). It imports no
// service, so services can depend on it without an import cycle through context.ts.
import { ForbiddenError, UnauthenticatedError, type Identity, type RedisChannelHub, type RequestContext } from '@anshim/platform';
import type { MonitorLoaders } from './loaders.ts';
import { messages } from './messages.ts';

export interface MonitorScope extends RequestContext {
  loaders: MonitorLoaders;
  /** The process's one shared Redis subscriber (subscriptions). */
  hub: RedisChannelHub;
}

export function requireIdentity(scope: RequestContext): Identity {
  if (!scope.identity) throw new UnauthenticatedError(messages.signInFirst);
  return scope.identity;
}

export function requireAdmin(scope: RequestContext): Identity {
  const identity = requireIdentity(scope);
  if (identity.role !== 'ADMIN') throw new ForbiddenError(messages.adminOnly);
  return identity;
}
