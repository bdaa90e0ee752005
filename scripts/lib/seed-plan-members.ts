// Who joins the demo marketplace and what they list: roles in their proportions, names, phones and
// verifications per role, and the listings (honest first, then bulk sellers, then the fraudsters' bait).
import { ADJECTIVES, BIOS, CATALOGUE, FRAUD_LISTINGS, NOUNS, REGIONS, TITLE_TAILS } from './seed-catalogue.ts';
import {
  BULK_MAX_LISTINGS,
  BULK_MIN_LISTINGS,
  DEMO_EMAIL_DOMAIN,
  FRAUD_LISTINGS_EACH,
  HONEST_MAX_LISTINGS,
  membersWith,
  scaledCount as count,
  type PlannedProduct,
  type PlannedUser,
  type Role,
} from './seed-plan-model.ts';
import type { SeededRandom } from './seed-random.ts';

const won = (n: number) => Math.round(n / 1000) * 1000;

export function planMembers(rnd: SeededRandom, userCount: number): PlannedUser[] {
  const roleCounts: Array<[Role, number]> = [
    ['FRAUD', count(userCount, 0.025, 2)],
    ['CAUTION', count(userCount, 0.03, 1)],
    ['BULK', count(userCount, 0.03, 1)],
    ['VERY_SAFE', count(userCount, 0.08, 2)],
    ['NORMAL', count(userCount, 0.2, 4)],
  ];
  const fixed = roleCounts.reduce((sum, [, n]) => sum + n, 0);
  roleCounts.push(['SAFE', userCount - fixed]);
  const roles = rnd.shuffle(roleCounts.flatMap(([role, n]) => Array.from({ length: n }, () => role)));

  const names = rnd.shuffle(ADJECTIVES.flatMap((a) => NOUNS.map((n) => `${a}${n}`)));
  const users: PlannedUser[] = roles.map((role, index) => {
    const base = names[index % names.length]!;
    const nickname = index < names.length ? base : `${base}${Math.floor(index / names.length) + 1}`;
    const number = String(index + 1).padStart(3, '0');
    const phoneVerified = role === 'VERY_SAFE' || role === 'SAFE' || role === 'CAUTION';
    const emailVerified =
      role === 'VERY_SAFE' || role === 'CAUTION' || role === 'BULK' || role === 'FRAUD' || (role === 'SAFE' ? !rnd.chance(0.2) : rnd.chance(0.5));
    const verify: Array<'EMAIL' | 'SMS'> = [];
    if (emailVerified) verify.push('EMAIL');
    if (phoneVerified) verify.push('SMS');
    // A unique, well-formed mobile number per member (the middle block is the member's number).
    const phone = phoneVerified ? `010-${String(7000 + index).padStart(4, '0')}-${String(rnd.int(1000, 9999))}` : null;
    const bio = role === 'FRAUD' ? null : role === 'NORMAL' ? (rnd.chance(0.5) ? rnd.pick(BIOS) : null) : rnd.pick(BIOS);
    return {
      index,
      role,
      email: `demo${number}@${DEMO_EMAIL_DOMAIN}`,
      nickname,
      phone,
      region: rnd.pick(REGIONS),
      bio,
      verify,
      // Some careful members ask to deal with SAFE sellers only; the seed never makes them buy.
      protectedMode: role === 'SAFE' && index % 20 === 7,
    };
  });
  const fraudsters = users.filter((u) => u.role === 'FRAUD');
  fraudsters.forEach((u, i) => {
    u.account = `${String(110_200 + i * 7_919).slice(0, 6)}-${String(40 + i).padStart(2, '0')}-${String(rnd.int(100_000, 999_999))}`;
  });
  return users;
}

export interface Listings {
  products: PlannedProduct[];
  /** Each seller's products, by product index. */
  listingsOf: Map<number, number[]>;
}

export function planListings(rnd: SeededRandom, users: PlannedUser[], productCount: number): Listings {
  const userCount = users.length;
  const byRole = (role: Role) => membersWith(users, role);
  const fraudsters = byRole('FRAUD');
  const honestSellers = users.filter((u) => u.role !== 'FRAUD' && u.role !== 'BULK');
  const bulkSellers = byRole('BULK');
  const fraudCount = fraudsters.length * FRAUD_LISTINGS_EACH;
  const honestEach = Math.min(HONEST_MAX_LISTINGS, Math.floor((productCount - fraudCount - bulkSellers.length * BULK_MIN_LISTINGS) / honestSellers.length));
  if (honestEach < 2) {
    throw new RangeError(`${productCount} products are too few for ${userCount} users (need about ${Math.ceil(userCount * 2.6 + 20)})`);
  }
  const bulkTotal = productCount - fraudCount - honestEach * honestSellers.length;
  if (bulkTotal > bulkSellers.length * BULK_MAX_LISTINGS) {
    throw new RangeError(`${productCount} products are too many for ${userCount} users (at most ${productCount - bulkTotal + bulkSellers.length * BULK_MAX_LISTINGS})`);
  }

  const allItems = Object.entries(CATALOGUE).flatMap(([category, items]) => items.map((item) => ({ ...item, category })));
  const products: PlannedProduct[] = [];
  const listingsOf = new Map<number, number[]>();
  const list = (seller: PlannedUser, n: number) => {
    const items = rnd.shuffle(allItems);
    const mine: number[] = [];
    for (let i = 0; i < n; i += 1) {
      const item = items[i % items.length]!;
      const round = Math.floor(i / items.length);
      const tail = TITLE_TAILS[(seller.index + i) % TITLE_TAILS.length]!;
      const title = `${item.title}${tail}${round > 0 ? ` ${round + 1}` : ''}`;
      const price = Math.max(1000, won(item.price * (0.9 + rnd.next() * 0.2)));
      mine.push(products.length);
      products.push({ index: products.length, seller: seller.index, title, description: item.description, price, category: item.category, region: seller.region });
    }
    listingsOf.set(seller.index, mine);
  };
  // Honest listings first, then bulk sellers, then the fraudsters' bait: category medians are
  // made of honest prices before any bait arrives.
  for (const seller of honestSellers) list(seller, honestEach);
  bulkSellers.forEach((seller, i) => {
    const share = Math.floor(bulkTotal / bulkSellers.length) + (i < bulkTotal % bulkSellers.length ? 1 : 0);
    list(seller, share);
  });
  fraudsters.forEach((fraudster, i) => {
    const mine: number[] = [];
    for (let k = 0; k < FRAUD_LISTINGS_EACH; k += 1) {
      const item = FRAUD_LISTINGS[(i * FRAUD_LISTINGS_EACH + k) % FRAUD_LISTINGS.length]!;
      mine.push(products.length);
      products.push({ index: products.length, seller: fraudster.index, title: item.title, description: item.description, price: item.price, category: item.category, region: fraudster.region });
    }
    listingsOf.set(fraudster.index, mine);
  });
  return { products, listingsOf };
}
