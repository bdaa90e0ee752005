// The request scope every service method receives: the platform's request context (verified
// identity, request id, locale, logger) plus this request's loaders, and the page size every list
// shares. Signed in? ADMIN? are the platform kit's requireIdentity / requireAdmin. Imports no
// service, so services can depend on it without an import cycle.
import type DataLoader from 'dataloader';
import type { Locale, RequestContext } from '@anshim/platform';
import type { CategoryPrice, ProductCopyRecord } from './copies/product-repository.ts';
import type { ScoreRecord } from './model.ts';
import { badField } from './validation.ts';

export interface SafetyLoaders {
  /** Never null: cache, then PostgreSQL, then the computed starting score. */
  score: DataLoader<string, ScoreRecord>;
  product: DataLoader<string, ProductCopyRecord | null>;
  categoryPrice: DataLoader<string, CategoryPrice | null>;
  /** Entity cache version key (unprefixed) → its value, '' when none (docs/caching.md). */
  entityVersion: DataLoader<string, string>;
}

export interface RequestScope extends RequestContext {
  loaders: SafetyLoaders;
}

const MAX_PAGE = 100;

/** `first` of a list field: 20 when absent, at most MAX_PAGE; a negative or fractional one is refused. */
export function pageSize(first: number | null | undefined, locale: Locale): number {
  const n = first ?? 20;
  if (!Number.isInteger(n) || n < 0) throw badField('first', 'badFirst', locale);
  return Math.min(n, MAX_PAGE);
}
