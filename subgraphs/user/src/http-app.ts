// The express app the platform server hands to `routes`, typed through the platform so this
// workspace needs no direct dependency on express.
import type { RequestContext, SubgraphServerOptions } from '@anshim/platform';

export type HttpApp = Parameters<NonNullable<SubgraphServerOptions<RequestContext>['routes']>>[0];
