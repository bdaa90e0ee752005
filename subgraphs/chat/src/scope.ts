// The request scope every service method receives: the platform's request context (verified
// identity, request id, locale, logger), this request's loaders and the process's one Redis
// subscriber. It imports no service, so services can depend on it without an import cycle
// through context.ts.
import type { RedisChannelHub, RequestContext } from '@anshim/platform';
import type { ChatLoaders } from './loaders.ts';

export interface ChatScope extends RequestContext {
  loaders: ChatLoaders;
  /** The process's one shared Redis subscriber (subscriptions). */
  hub: RedisChannelHub;
}
