// What every resolver receives: the request scope (identity, locale, logger, loaders) plus this
// service's services. Composition only; services never import this file.
import type { RequestContext } from '@anshim/platform';
import type { RiskEffectsRepository } from './copies/risk-effects-repository.ts';
import type { ImageService } from './images/image-service.ts';
import { createLoaders } from './loaders.ts';
import type { CheckInRepository } from './meetings/check-in-repository.ts';
import type { CheckInService } from './meetings/check-in-service.ts';
import type { ProductRepository } from './products/product-repository.ts';
import type { ProductService } from './products/product-service.ts';
import type { RequestScope } from './scope.ts';
import type { TradeDashboard } from './dashboard/trade-dashboard.ts';
import type { TradeRepository } from './trades/trade-repository.ts';
import type { TradeService } from './trades/trade-service.ts';
import type { ZoneRepository } from './zones/zone-repository.ts';
import type { ZoneService } from './zones/zone-service.ts';

export interface TransactionServices {
  products: ProductService;
  trades: TradeService;
  images: ImageService;
  zones: ZoneService;
  checkIns: CheckInService;
  /** The ADMIN dashboard's trade figure. */
  dashboard: TradeDashboard;
}

export interface TransactionContext extends RequestScope {
  services: TransactionServices;
}

export interface ContextParts {
  services: TransactionServices;
  /** What the loaders read. */
  repositories: { products: ProductRepository; trades: TradeRepository; zones: ZoneRepository; riskEffects: RiskEffectsRepository; checkIns: CheckInRepository };
}

/** Each request's context: the shared services, and fresh loaders. */
export function contextBuilder({ services, repositories }: ContextParts): (base: RequestContext) => TransactionContext {
  return (base) => ({ ...base, loaders: createLoaders(repositories.products, repositories.trades, repositories.zones, repositories.riskEffects, repositories.checkIns), services });
}
