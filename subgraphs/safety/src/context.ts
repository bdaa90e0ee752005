// What every resolver receives: the request scope (verified identity, request id, locale, logger
// and this request's loaders) plus this service's services. Composition only: the scope and the
// services are built elsewhere and put together here per request.
import type { RequestContext } from '@anshim/platform';
import { createLoaders } from './loaders.ts';
import type { SafetyCore, SafetyServices } from './safety-core.ts';
import type { RequestScope } from './scope.ts';

export interface SafetyContext extends RequestScope {
  services: SafetyServices;
}

/** The per-request context builder the subgraph server and its graphql-ws endpoint share. */
export function safetyContextBuilder(core: Pick<SafetyCore, 'lookup' | 'copies' | 'services' | 'redis'>): (base: RequestContext) => SafetyContext {
  return (base) => ({ ...base, loaders: createLoaders({ scores: core.lookup, products: core.copies.products, redis: core.redis }), services: core.services });
}
