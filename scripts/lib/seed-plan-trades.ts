// Which trades the demo walks through and how far: VERY_SAFE members' well-rated sales, ordinary
// completed trades, the disputes that get CAUTION members suspended, trades in progress, cancellations
// and the fraudsters' victims.
import { RATING_COMMENTS } from './seed-catalogue.ts';
import type { Listings } from './seed-plan-members.ts';
import {
  MAX_OTHER_COMPLETED,
  VERY_SAFE_TRADES,
  buyersWith,
  membersWith,
  scaledCount as count,
  type PlannedRating,
  type PlannedTrade,
  type PlannedUser,
  type Role,
  type TradeStatus,
  type TradeStep,
} from './seed-plan-model.ts';
import type { SeededRandom } from './seed-random.ts';

export interface Trades {
  trades: PlannedTrade[];
  /** CAUTION member → the trade that ended in a dispute (the report that suspends them). */
  disputedOfCaution: Map<number, number>;
  /** Fraudster → the trade whose buyer only asked, and the one whose buyer paid and disputes. */
  fraudTrades: Map<number, { asked: number; disputed: number }>;
}

export function planTrades(rnd: SeededRandom, users: PlannedUser[], { products, listingsOf }: Listings): Trades {
  const userCount = users.length;
  const byRole = (role: Role) => membersWith(users, role);
  const buyers = (role: Role) => buyersWith(users, role);
  const fraudsters = byRole('FRAUD');
  const bulkSellers = byRole('BULK');
  const trades: PlannedTrade[] = [];
  const used = new Set<number>();
  const completed = new Map<number, number>();
  const done = (u: number) => completed.get(u) ?? 0;
  const freeListing = (seller: number) => (listingsOf.get(seller) ?? []).find((p) => !used.has(p));
  const stars = (high: boolean) => (high ? (rnd.chance(1 / 6) ? 4 : 5) : rnd.int(4, 5));
  const comment = () => rnd.pick(RATING_COMMENTS);
  const addTrade = (product: number, buyer: number, steps: TradeStep[], ratings: PlannedRating[] = []) => {
    used.add(product);
    const final: TradeStatus = steps.length ? steps[steps.length - 1]!.status : 'REQUESTED';
    const seller = products[product]!.seller;
    if (final === 'COMPLETED') {
      completed.set(buyer, done(buyer) + 1);
      completed.set(seller, done(seller) + 1);
    }
    trades.push({ index: trades.length, product, buyer, seller, steps, final, ratings });
    return trades.length - 1;
  };
  const COMPLETE: TradeStep[] = [{ status: 'ACCEPTED', by: 'SELLER' }, { status: 'COMPLETED', by: 'BUYER' }];
  /** The SAFE member with the fewest completed trades that satisfies `ok` (ties broken at random). */
  const leastBusySafe = (ok: (u: PlannedUser) => boolean) => {
    const candidates = rnd.shuffle(buyers('SAFE')).filter((u) => done(u.index) < MAX_OTHER_COMPLETED && ok(u));
    candidates.sort((a, b) => done(a.index) - done(b.index));
    return candidates[0] ?? null;
  };

  for (const star of byRole('VERY_SAFE')) {
    for (const product of listingsOf.get(star.index) ?? []) {
      if (done(star.index) >= VERY_SAFE_TRADES) break;
      const buyer = leastBusySafe(() => true);
      if (!buyer) break;
      addTrade(product, buyer.index, COMPLETE, [
        { by: 'BUYER', stars: stars(true), comment: comment() },
        { by: 'SELLER', stars: stars(false), comment: comment() },
      ]);
    }
    while (done(star.index) < VERY_SAFE_TRADES) {
      const seller = leastBusySafe((u) => freeListing(u.index) !== undefined);
      if (!seller) throw new RangeError('not enough SAFE listings for the VERY_SAFE members; add products');
      addTrade(freeListing(seller.index)!, star.index, COMPLETE, [
        { by: 'SELLER', stars: stars(true), comment: comment() },
        { by: 'BUYER', stars: stars(false), comment: comment() },
      ]);
    }
  }
  // Ordinary completed trades between SAFE members; not everyone bothers to rate.
  for (let i = 0; i < count(userCount, 0.15, 2); i += 1) {
    const seller = leastBusySafe((u) => freeListing(u.index) !== undefined);
    const buyer = seller && leastBusySafe((u) => u.index !== seller.index);
    if (!seller || !buyer) break;
    const roll = rnd.next();
    const ratings: PlannedRating[] = roll < 0.9 ? [{ by: 'BUYER', stars: rnd.int(3, 5), comment: comment() }] : [];
    if (roll < 0.6) ratings.push({ by: 'SELLER', stars: rnd.int(4, 5), comment: comment() });
    addTrade(freeListing(seller.index)!, buyer.index, COMPLETE, ratings);
  }
  // Members who will be suspended: one sale went fine, one ended in a dispute (counterfeit).
  const disputedOfCaution = new Map<number, number>();
  for (const member of byRole('CAUTION')) {
    const fine = freeListing(member.index);
    const fineBuyer = leastBusySafe(() => true);
    if (fine !== undefined && fineBuyer) addTrade(fine, fineBuyer.index, COMPLETE, [{ by: 'BUYER', stars: 3, comment: '물건은 받았는데 설명과 조금 달랐어요.' }]);
    const bad = freeListing(member.index);
    const badBuyer = leastBusySafe(() => true);
    if (bad !== undefined && badBuyer) {
      disputedOfCaution.set(member.index, addTrade(bad, badBuyer.index, [...COMPLETE, { status: 'DISPUTED', by: 'BUYER' }]));
    }
  }
  const openSellers = [...buyers('SAFE'), ...byRole('NORMAL'), ...bulkSellers];
  const openListing = () => {
    for (const seller of rnd.shuffle(openSellers)) {
      const product = freeListing(seller.index);
      if (product !== undefined) return product;
    }
    return undefined;
  };
  const anyBuyer = (roles: Role[], not: number) => rnd.pick(roles.flatMap((r) => buyers(r)).filter((u) => u.index !== not));
  // In progress: accepted, and only requested.
  for (let i = 0; i < count(userCount, 0.05, 2); i += 1) {
    const product = openListing();
    if (product === undefined) break;
    addTrade(product, anyBuyer(['SAFE', 'VERY_SAFE'], products[product]!.seller).index, [{ status: 'ACCEPTED', by: 'SELLER' }]);
  }
  for (let i = 0; i < count(userCount, 0.08, 2); i += 1) {
    const product = openListing();
    if (product === undefined) break;
    addTrade(product, anyBuyer(['SAFE', 'NORMAL'], products[product]!.seller).index, []);
  }
  // Cancelled: by NORMAL buyers (−2 each, once per member), some before and some after acceptance.
  const cancellers = rnd.shuffle(byRole('NORMAL'));
  for (let i = 0; i < Math.min(count(userCount, 0.08, 2), cancellers.length); i += 1) {
    const buyer = cancellers[i]!;
    const product = (() => {
      for (const seller of rnd.shuffle(openSellers)) {
        const p = freeListing(seller.index);
        if (p !== undefined && seller.index !== buyer.index) return p;
      }
      return undefined;
    })();
    if (product === undefined) break;
    const steps: TradeStep[] = i % 2 === 0 ? [{ status: 'CANCELLED', by: 'BUYER' }] : [{ status: 'ACCEPTED', by: 'SELLER' }, { status: 'CANCELLED', by: 'BUYER' }];
    addTrade(product, buyer.index, steps);
  }
  // Fraudsters: one buyer only asked (and is then chatted to), one paid after acceptance and disputes.
  const fraudTrades = new Map<number, { asked: number; disputed: number }>();
  for (const fraudster of fraudsters) {
    const [first, second] = listingsOf.get(fraudster.index)!;
    const victim = leastBusySafe(() => true) ?? rnd.pick(buyers('SAFE'));
    const asked = addTrade(first!, victim.index, []);
    const payer = rnd.pick(buyers('SAFE').filter((u) => u.index !== victim.index));
    const disputed = addTrade(second!, payer.index, [{ status: 'ACCEPTED', by: 'SELLER' }, { status: 'DISPUTED', by: 'BUYER' }]);
    fraudTrades.set(fraudster.index, { asked, disputed });
  }
  return { trades, disputedOfCaution, fraudTrades };
}
