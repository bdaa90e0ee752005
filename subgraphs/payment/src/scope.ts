// The request scope every service method receives: the platform's request context (verified
// identity, request id, locale, logger), this request's loaders and the process's one Redis
// subscriber. It imports no service, so services can depend on it without an import cycle.
import type { RedisChannelHub, RequestContext } from '@anshim/platform';
import type { PaymentLoaders } from './loaders.ts';

export interface PaymentScope extends RequestContext {
  loaders: PaymentLoaders;
  /** The process's one shared Redis subscriber (subscriptions). */
  hub: RedisChannelHub;
}
