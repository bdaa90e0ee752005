// The demo marketplace as data: who joins, how they verify, what they sell, which trades reach
// which state, who reports whom and which fraudsters write what. Pure and deterministic: the same
// scale and seed always give the same plan, so a rerun finds everything again by natural keys
// (email; seller + title; buyer + product; reporter + target + type; subject + rule).
//
// Each role is built so that the safety model (ARCHITECTURE §6) puts it in one grade once the
// workers processed the events: VERY_SAFE (both verifications, full profile, 12 well-rated trades),
// SAFE (phone verified, full profile, at most 4 trades), NORMAL (email or nothing, no completed
// trade; bulk sellers also trip LISTING_BURST), CAUTION (suspended after an accepted report) and
// DANGER (fraudsters: bait listings and screened chat messages raise HIGH alerts; half are also banned).
import { MIN_USERS, type PlanOptions, type SeedPlan } from './seed-plan-model.ts';
import { planListings, planMembers } from './seed-plan-members.ts';
import { planReports } from './seed-plan-reports.ts';
import { planConversations } from './seed-plan-chats.ts';
import { planTrades } from './seed-plan-trades.ts';
import { SeededRandom } from './seed-random.ts';

export * from './seed-plan-model.ts';

/** The stages draw from one random sequence in this order, so the same options give the same plan. */
export function buildPlan(options: PlanOptions): SeedPlan {
  const { users: userCount, products: productCount } = options;
  if (!Number.isInteger(userCount) || userCount < MIN_USERS) throw new RangeError(`users must be an integer ≥ ${MIN_USERS}`);
  const rnd = new SeededRandom(options.seed ?? 20261124);
  const users = planMembers(rnd, userCount);
  const listings = planListings(rnd, users, productCount);
  const trades = planTrades(rnd, users, listings);
  const reports = planReports(rnd, users, listings.products, trades);
  const conversations = planConversations(users, listings.products, trades);
  return { users, products: listings.products, trades: trades.trades, reports, conversations };
}
