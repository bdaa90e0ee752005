// A listing's safety panel: the seller's display plus listing-level hints (a new or unverified
// seller, a price far below the category or cut steeply, a seller to meet only at a safe-trade
// zone), from safety's own product copy and the seller's score.
import { entityVersionKey } from '@anshim/contracts';
import { recordEntityDependencies } from '@anshim/platform';
import type { HintCode } from '../model.ts';
import { buildDisplay, type SafetyDisplay } from '../score/safety-display.ts';
import { calculateSafetyScore, EMPTY_INPUTS } from '../score/safety-score.ts';
import type { RequestScope } from '../scope.ts';

export const LISTING_RULES = {
  newSellerBadge: 'NEW_MEMBER',
  /** A price below this share of the category median, with enough listings to compare. */
  farBelowShare: 0.5,
  farBelowMinListings: 5,
  /** A current price at or below this share of the first price. */
  steepCutShare: 0.6,
} as const;

/** The version of a category's prices as Product.sellerSafety reads them (bumped after every copy change in it). */
export function categoryVersionKey(category: string): string {
  return entityVersionKey('safety', 'ProductCategory', category);
}

export class ListingService {
  /** The seller's display on a listing, plus listing-level hints. */
  async sellerSafety(ctx: RequestScope, productId: string): Promise<SafetyDisplay> {
    const product = await ctx.loaders.product.load(productId);
    if (!product) {
      // product.created not seen yet (or an unknown id): say so plainly instead of guessing a grade.
      return buildDisplay({ ...calculateSafetyScore(EMPTY_INPUTS, new Date()), badges: [], hints: ['SELLER_UNKNOWN'] }, ctx.locale);
    }
    // The gateway caches this answer per product (docs/caching.md). It also depends on the seller's score
    // and the category's prices: their versions, read BEFORE their data, go with the answer, so a change
    // committed after this read (and bumped after its commit) makes the cached answer stale.
    const sellerKey = entityVersionKey('safety', 'User', product.sellerId);
    const categoryKey = categoryVersionKey(product.category);
    const [sellerVersion, categoryVersion] = await Promise.all([ctx.loaders.entityVersion.load(sellerKey), ctx.loaders.entityVersion.load(categoryKey)]);
    recordEntityDependencies(ctx, 'Product', productId, { [sellerKey]: sellerVersion, [categoryKey]: categoryVersion });
    const [score, prices] = await Promise.all([ctx.loaders.score.load(product.sellerId), ctx.loaders.categoryPrice.load(product.category)]);
    const hints: HintCode[] = [];
    if (score.badges.includes(LISTING_RULES.newSellerBadge)) hints.push('NEW_SELLER');
    if (!score.badges.includes('IDENTITY_VERIFIED')) hints.push('UNVERIFIED_SELLER');
    if (prices && prices.listings >= LISTING_RULES.farBelowMinListings && product.price < prices.median * LISTING_RULES.farBelowShare) {
      hints.push('PRICE_FAR_BELOW');
    }
    if (product.firstPrice > 0 && product.price <= product.firstPrice * LISTING_RULES.steepCutShare) hints.push('STEEP_PRICE_CUT');
    if (score.grade === 'CAUTION' || score.grade === 'DANGER') hints.push('MEET_AT_SAFE_ZONE');
    return buildDisplay({ ...score, hints }, ctx.locale);
  }
}
