// What every resolver receives: the platform's request context (verified identity, request id,
// locale, logger) plus this service's per-request loaders and its service.
import type DataLoader from 'dataloader';
import type { RequestContext } from '@anshim/platform';
import type { CategoryPrice, ProductCopyRecord } from './product-repository.ts';
import type { ScoreRecord } from './score-repository.ts';
import type { SafetyService } from './safety-service.ts';

export interface SafetyLoaders {
  /** Never null: cache, then PostgreSQL, then the computed starting score. */
  score: DataLoader<string, ScoreRecord>;
  product: DataLoader<string, ProductCopyRecord | null>;
  categoryPrice: DataLoader<string, CategoryPrice | null>;
}

export interface RequestScope extends RequestContext {
  loaders: SafetyLoaders;
}

export interface SafetyContext extends RequestScope {
  services: { safety: SafetyService };
}
