// The demo marketplace as data: who joins, how they verify, what they sell, which trades reach
// which state, who reports whom and which fraudsters write what. Pure and deterministic: the same
// scale and seed always give the same plan, so a rerun finds everything again by natural keys
// (email; seller + title; buyer + product; reporter + target + type; subject + rule).
//
// Each role is built so that the safety model (ARCHITECTURE §6) puts it in one grade once the
// workers processed the events: VERY_SAFE (both verifications, full profile, 12 well-rated trades),
// SAFE (phone verified, full profile, at most 4 trades), NORMAL (email or nothing, no completed
// trade; bulk sellers also trip LISTING_BURST), CAUTION (suspended after an accepted report) and
// DANGER (fraudsters: two HIGH chat rules make CRITICAL; half are also banned).
import {
  ACCOUNT_HOLDERS,
  ADJECTIVES,
  BIOS,
  CATALOGUE,
  FRAUD_CHAT,
  FRAUD_LISTINGS,
  NOUNS,
  RATING_COMMENTS,
  REGIONS,
  TITLE_TAILS,
} from './seed-catalogue.ts';
import { SeededRandom } from './seed-random.ts';

export type Role = 'VERY_SAFE' | 'SAFE' | 'NORMAL' | 'BULK' | 'CAUTION' | 'FRAUD';
export type Grade = 'VERY_SAFE' | 'SAFE' | 'NORMAL' | 'CAUTION' | 'DANGER';
export type TradeStatus = 'REQUESTED' | 'ACCEPTED' | 'COMPLETED' | 'CANCELLED' | 'DISPUTED';
export type ReportStatus = 'RECEIVED' | 'IN_REVIEW' | 'ACTION_TAKEN' | 'DISMISSED';
export type ReportType = 'FRAUD' | 'NO_SHOW' | 'COUNTERFEIT' | 'ABUSIVE_LANGUAGE' | 'HARASSMENT' | 'OFF_PLATFORM_PAYMENT' | 'OTHER';

export const EXPECTED_GRADE: Record<Role, Grade> = {
  VERY_SAFE: 'VERY_SAFE',
  SAFE: 'SAFE',
  NORMAL: 'NORMAL',
  BULK: 'NORMAL',
  CAUTION: 'CAUTION',
  FRAUD: 'DANGER',
};

export interface PlannedUser {
  index: number;
  role: Role;
  email: string;
  nickname: string;
  phone: string | null;
  region: string;
  bio: string | null;
  verify: Array<'EMAIL' | 'SMS'>;
  protectedMode: boolean;
  /** Fraudsters only: the bank account they ask victims to pay into. */
  account?: string;
}

export interface PlannedProduct {
  index: number;
  seller: number;
  title: string;
  description: string;
  price: number;
  category: string;
  region: string;
}

export interface TradeStep {
  status: 'ACCEPTED' | 'COMPLETED' | 'CANCELLED' | 'DISPUTED';
  by: 'BUYER' | 'SELLER';
}

export interface PlannedRating {
  by: 'BUYER' | 'SELLER';
  stars: number;
  comment: string;
}

export interface PlannedTrade {
  index: number;
  product: number;
  buyer: number;
  seller: number;
  /** After startTransaction (REQUESTED), in order. */
  steps: TradeStep[];
  final: TradeStatus;
  ratings: PlannedRating[];
}

export interface PlannedReport {
  index: number;
  reporter: number;
  target: number;
  type: ReportType;
  description: string;
  product: number | null;
  trade: number | null;
  paymentAccount: string | null;
  outcome: ReportStatus;
  sanction: 'WARNING' | 'SUSPENSION' | 'BAN' | null;
  sanctionDays: number | null;
  resolution: string | null;
}

export interface PlannedChat {
  from: number;
  to: number;
  product: number | null;
  trade: number | null;
  text: string;
  /** The monitor rule this message trips (the seed's idempotency key with `from`). */
  rule: 'OFF_PLATFORM_PAYMENT_REQUEST' | 'PHISHING_LINK' | 'KNOWN_FRAUD_ACCOUNT';
  /** 2: only after the accepted fraud reports taught the monitor their accounts. */
  phase: 1 | 2;
}

export interface SeedPlan {
  users: PlannedUser[];
  products: PlannedProduct[];
  trades: PlannedTrade[];
  reports: PlannedReport[];
  chats: PlannedChat[];
}

export interface PlanOptions {
  users: number;
  products: number;
  /** PRNG seed; the default gives the documented demo. */
  seed?: number;
}

export const MIN_USERS = 20;
/** Completed trades of a VERY_SAFE member (20 · (1 − e^(−1.2)) ≈ +14 points). */
const VERY_SAFE_TRADES = 12;
/** Other members stay below VERY_SAFE: at most 4 completed trades (≈ +6.6 points). */
const MAX_OTHER_COMPLETED = 4;
/** LISTING_BURST counts 5 listings in an hour; honest members list at most 4. */
const HONEST_MAX_LISTINGS = 4;
const BULK_MIN_LISTINGS = 6;
const BULK_MAX_LISTINGS = 90;
const FRAUD_LISTINGS_EACH = 3;

export const DEMO_EMAIL_DOMAIN = 'demo.anshim.kr';

const count = (users: number, fraction: number, min: number) => Math.max(min, Math.round(users * fraction));
const won = (n: number) => Math.round(n / 1000) * 1000;

export function buildPlan(options: PlanOptions): SeedPlan {
  const { users: userCount, products: productCount } = options;
  if (!Number.isInteger(userCount) || userCount < MIN_USERS) throw new RangeError(`users must be an integer ≥ ${MIN_USERS}`);
  const rnd = new SeededRandom(options.seed ?? 20261124);

  // ---------------------------------------------------------------- users
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
  const byRole = (role: Role) => users.filter((u) => u.role === role);

  // ---------------------------------------------------------------- products
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

  // ---------------------------------------------------------------- trades
  const trades: PlannedTrade[] = [];
  const used = new Set<number>();
  const completed = new Map<number, number>();
  const done = (u: number) => completed.get(u) ?? 0;
  const buyers = (role: Role) => byRole(role).filter((u) => !u.protectedMode);
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

  // ---------------------------------------------------------------- reports
  const reports: PlannedReport[] = [];
  const report = (r: Omit<PlannedReport, 'index'>) => reports.push({ index: reports.length, ...r });
  fraudsters.forEach((fraudster, i) => {
    const { asked, disputed } = fraudTrades.get(fraudster.index)!;
    const banned = i % 2 === 0;
    report({
      reporter: trades[disputed]!.buyer,
      target: fraudster.index,
      type: 'FRAUD',
      description: `${products[trades[disputed]!.product]!.title} 값으로 국민은행 ${fraudster.account} 계좌에 입금했는데 물건을 보내지 않고 연락이 끊겼어요.`,
      product: trades[disputed]!.product,
      trade: disputed,
      paymentAccount: fraudster.account!,
      outcome: banned ? 'ACTION_TAKEN' : 'IN_REVIEW',
      sanction: banned ? 'BAN' : null,
      sanctionDays: null,
      resolution: banned ? '입금 내역과 대화 기록으로 사기가 확인되어 영구 이용 정지합니다.' : null,
    });
    report({
      reporter: trades[asked]!.buyer,
      target: fraudster.index,
      type: 'OFF_PLATFORM_PAYMENT',
      description: '채팅으로 선입금을 요구하고 안심결제라며 이상한 링크를 보냈어요.',
      product: trades[asked]!.product,
      trade: asked,
      paymentAccount: null,
      outcome: 'RECEIVED',
      sanction: null,
      sanctionDays: null,
      resolution: null,
    });
  });
  for (const member of byRole('CAUTION')) {
    const trade = disputedOfCaution.get(member.index);
    if (trade === undefined) continue;
    report({
      reporter: trades[trade]!.buyer,
      target: member.index,
      type: 'COUNTERFEIT',
      description: '정품이라고 해서 샀는데 정품 인증에서 가품으로 나왔어요. 환불도 거절했어요.',
      product: trades[trade]!.product,
      trade,
      paymentAccount: null,
      outcome: 'ACTION_TAKEN',
      sanction: 'SUSPENSION',
      sanctionDays: 30,
      resolution: '감정 결과 가품으로 확인되어 30일 이용 정지합니다.',
    });
  }
  // Reporters of the remaining reports: SAFE members who are never sanctioned, three reports at most each.
  const reporterLoad = new Map<number, number>();
  const reporterFor = (target: number) => {
    const pool = rnd.shuffle([...buyers('SAFE'), ...byRole('VERY_SAFE')]).filter((u) => u.index !== target && (reporterLoad.get(u.index) ?? 0) < 3);
    const chosen = pool[0]!;
    reporterLoad.set(chosen.index, (reporterLoad.get(chosen.index) ?? 0) + 1);
    return chosen.index;
  };
  const normals = rnd.shuffle(byRole('NORMAL'));
  const warnings = count(userCount, 0.01, 1);
  normals.slice(0, warnings).forEach((member) => {
    report({
      reporter: reporterFor(member.index), target: member.index, type: 'NO_SHOW',
      description: '약속 장소에 30분을 기다렸는데 나오지 않았고 연락도 받지 않았어요.',
      product: null, trade: null, paymentAccount: null, outcome: 'ACTION_TAKEN', sanction: 'WARNING', sanctionDays: null,
      resolution: '약속 불이행이 확인되어 경고 조치합니다.',
    });
  });
  normals.slice(warnings, warnings + count(userCount, 0.01, 1)).forEach((member) => {
    report({
      reporter: reporterFor(member.index), target: member.index, type: 'ABUSIVE_LANGUAGE',
      description: '가격 문의만 했는데 채팅으로 반말과 비속어를 했어요.',
      product: null, trade: null, paymentAccount: null, outcome: 'RECEIVED', sanction: null, sanctionDays: null, resolution: null,
    });
  });
  // Reports against honest SAFE members: most turn out unfounded, one is still being looked at.
  const safeTargets = rnd.shuffle(byRole('SAFE').filter((u) => u.verify.length === 2));
  const dismissed = count(userCount, 0.015, 2);
  safeTargets.slice(0, dismissed).forEach((member) => {
    report({
      reporter: reporterFor(member.index), target: member.index, type: 'NO_SHOW',
      description: '거래 약속을 했는데 나타나지 않은 것 같아요. 확인 부탁드려요.',
      product: null, trade: null, paymentAccount: null, outcome: 'DISMISSED', sanction: null, sanctionDays: null,
      resolution: '확인해 보니 약속 시간이 서로 달랐던 것으로 보여 신고를 기각합니다.',
    });
  });
  safeTargets.slice(dismissed, dismissed + count(userCount, 0.01, 1)).forEach((member) => {
    report({
      reporter: reporterFor(member.index), target: member.index, type: 'OTHER',
      description: '판매글 사진과 실제 물건 색상이 조금 달라요. 확인 부탁드립니다.',
      product: null, trade: null, paymentAccount: null, outcome: 'IN_REVIEW', sanction: null, sanctionDays: null, resolution: null,
    });
  });

  // ---------------------------------------------------------------- chats
  const chats: PlannedChat[] = [];
  const bannedAccount = fraudsters[0]!.account!;
  fraudsters.forEach((fraudster, i) => {
    const { asked, disputed } = fraudTrades.get(fraudster.index)!;
    const victim = trades[asked]!.buyer;
    const holder = ACCOUNT_HOLDERS[i % ACCOUNT_HOLDERS.length]!;
    const base = { from: fraudster.index, to: victim, product: trades[asked]!.product, trade: asked };
    chats.push({ ...base, text: FRAUD_CHAT.advancePayment(fraudster.account!, holder), rule: 'OFF_PLATFORM_PAYMENT_REQUEST', phase: 1 });
    chats.push({ ...base, text: FRAUD_CHAT.phishingLink(`pay${i + 1}`), rule: 'PHISHING_LINK', phase: 1 });
    // A ring: the fraudsters still free pass around the account an accepted report exposed.
    if (i % 2 === 1) {
      chats.push({
        from: fraudster.index, to: trades[disputed]!.buyer, product: trades[disputed]!.product, trade: disputed,
        text: FRAUD_CHAT.knownAccount(bannedAccount), rule: 'KNOWN_FRAUD_ACCOUNT', phase: 2,
      });
    }
  });

  return { users, products, trades, reports, chats };
}
