// What every resolver receives: the platform's request context (verified identity, request id,
// locale, logger) plus this service's per-request loaders and its services.
import type { RequestContext } from '@anshim/platform';
import type { TransactionLoaders } from './loaders.ts';
import type { ImageService } from './image-service.ts';
import type { ProductService } from './product-service.ts';
import type { TradeService } from './trade-service.ts';
import type { ZoneService } from './zone-service.ts';

/** A user as this subgraph knows them: only the id (the user subgraph owns the rest). */
export interface UserRef {
  id: string;
}

export interface TransactionServices {
  products: ProductService;
  trades: TradeService;
  images: ImageService;
  zones: ZoneService;
}

/** The part of the context services work with: who asks, in which language, with which loaders. */
export interface RequestScope extends RequestContext {
  loaders: TransactionLoaders;
}

export interface TransactionContext extends RequestScope {
  services: TransactionServices;
}
