// The request scope every service method receives: the platform's request context (verified
// identity, request id, locale, logger) plus this request's loaders. It imports no service, so
// services depend on it without an import cycle through context.ts.
import type { RequestContext } from '@anshim/platform';
import type { ReportLoaders } from './loaders.ts';

export interface RequestScope extends RequestContext {
  loaders: ReportLoaders;
}
