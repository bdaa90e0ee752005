// The request scope every service method receives: the platform's request context (verified
// identity, request id, locale, logger) plus this request's loaders, and the checks on it that
// every domain shares (signed in, ADMIN, a page size). Imports no service, so services can depend
// on it without an import cycle.
import type DataLoader from 'dataloader';
import { BadInputError, ForbiddenError, UnauthenticatedError, type Identity, type RequestContext } from '@anshim/platform';
import type { CategoryPrice, ProductCopyRecord } from './copies/product-repository.ts';
import { messages } from './messages.ts';
import type { ScoreRecord } from './model.ts';

export interface SafetyLoaders {
  /** Never null: cache, then PostgreSQL, then the computed starting score. */
  score: DataLoader<string, ScoreRecord>;
  product: DataLoader<string, ProductCopyRecord | null>;
  categoryPrice: DataLoader<string, CategoryPrice | null>;
}

export interface RequestScope extends RequestContext {
  loaders: SafetyLoaders;
}

const MAX_PAGE = 100;

/** `first` of a list field: 20 when absent, at most MAX_PAGE; a negative or fractional one is refused. */
export function pageSize(first: number | null | undefined): number {
  const n = first ?? 20;
  if (!Number.isInteger(n) || n < 0) {
    throw new BadInputError(messages.badFirst, { fields: [{ field: 'first', message: 'must be >= 0' }] });
  }
  return Math.min(n, MAX_PAGE);
}

export function requireAdmin(identity: Identity | null): Identity {
  if (!identity) throw new UnauthenticatedError();
  if (identity.role !== 'ADMIN') throw new ForbiddenError(messages.adminOnly);
  return identity;
}

export function requireSignedIn(identity: Identity | null): Identity {
  if (!identity) throw new UnauthenticatedError();
  return identity;
}
