// What every resolver receives: the platform's request context (verified identity, request id,
// locale, logger) plus this service's services.
import type { groupedLoader, RedisChannelHub, RequestContext } from '@anshim/platform';
import type { MonitorService } from './monitor-service.ts';

/** A reference to a user owned by the user subgraph. */
export interface UserRef {
  id: string;
}
/** A reference to a product owned by the transaction subgraph. */
export interface ProductRef {
  id: string;
}
export interface TransactionRef {
  id: string;
}

export interface MonitorLoaders {
  /** Rules of recent alerts per product (Product.riskWarnings for a page of products: one query). */
  productAlertRules: ReturnType<typeof groupedLoader<string, { productId: string; rule: string }>>;
}

export interface MonitorContext extends RequestContext {
  services: { monitor: MonitorService };
  loaders: MonitorLoaders;
  /** The process's one shared Redis subscriber (subscriptions). */
  hub: RedisChannelHub;
}
