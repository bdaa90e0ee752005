// Per-request DataLoaders: every score a request needs in one cache round trip and at most two
// queries, and the product copies and category prices behind listing hints in one query each.
import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import type { Redis } from '@anshim/platform';
import type { ProductRepository } from './copies/product-repository.ts';
import type { ScoreRecord } from './model.ts';
import type { ScoreLookup } from './score/score-lookup.ts';
import type { SafetyLoaders } from './scope.ts';

export function createLoaders(deps: { scores: ScoreLookup; products: ProductRepository; redis: Redis }): SafetyLoaders {
  return {
    // The gateway entity cache's versions (docs/caching.md), in one MGET. Unreadable: a value no
    // version ever has, so an entry recorded against it is never served.
    entityVersion: new DataLoader<string, string>(async (keys) => {
      try {
        return (await deps.redis.mget(...keys)).map((value) => value ?? '');
      } catch {
        return keys.map(() => `unread:${randomUUID()}`);
      }
    }),
    score: new DataLoader<string, ScoreRecord>((ids) => deps.scores.load(ids)),
    product: new DataLoader(async (ids) => {
      const rows = await deps.products.findByIds(ids);
      const byId = new Map(rows.map((r) => [r.productId, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    categoryPrice: new DataLoader(async (categories) => {
      const rows = await deps.products.categoryPrices(categories);
      const byCategory = new Map(rows.map((r) => [r.category, r]));
      return categories.map((c) => byCategory.get(c) ?? null);
    }),
  };
}
