// What the transaction service consumes, and why:
// - safety.score_changed: each seller's grade and score, so listings filter (minSellerGrade) and
//   sort (SELLER_SAFETY) in one query, and protected buyers are checked without a call to safety;
// - user.profile_updated: buyers' protection settings (protectedMode, minCounterpartGrade);
// - user.status_changed: suspended or banned accounts cannot trade;
// - monitor.action_taken: HOLD_TRANSACTIONS pauses a user's trades; RESTRICT_ACCOUNT also stops
//   their listings and price changes (until cleared); WARN_COUNTERPARTS shows the other party of
//   each of their open trades a notice (Transaction.safetyNotice); CLEAR lifts all three;
// - monitor.action_ended: one of those actions expired with the signal and is lifted;
// - user.verification_requirement_changed: REQUIRE_VERIFICATION as the user service (owner of
//   verification) decided it: no listings, no new trades while required.
// Handlers run in the consumer's transaction (idempotent by event id) and ignore stale events.
import { onlyWhen, type AfterCommitHooks, type EventHandlers } from '@anshim/platform';
import type { PartyRepository } from '../copies/party-repository.ts';
import type { RiskEffectsRepository } from '../copies/risk-effects-repository.ts';
import type { Tx } from '../database.ts';
import { DEFAULT_PROTECTED_MIN_GRADE, gradeRank } from '../model.ts';
import type { ProductCache } from '../products/product-cache.ts';
import type { ProductRepository } from '../products/product-repository.ts';

/** The monitor's actions this service applies (CLEAR lifts them); the others are another service's. */
const TRADE_ACTIONS: ReadonlySet<string> = new Set(['WARN_COUNTERPARTS', 'RESTRICT_ACCOUNT', 'HOLD_TRANSACTIONS']);

export interface ConsumerDeps {
  parties: PartyRepository;
  riskEffects: RiskEffectsRepository;
  products: ProductRepository;
  cache: ProductCache;
}

export function transactionHandlers(deps: ConsumerDeps, afterCommit: AfterCommitHooks<Tx>): EventHandlers<'transaction', Tx> {
  return {
    'safety.score_changed': async (event, tx) => {
      const { userId, grade, score, version, changedAt } = event.data;
      const applied = await deps.parties.applySafety(tx, { userId, grade, score, version, changedAt: new Date(changedAt) });
      if (!applied) return; // an older recalculation arrived late: keep the newer copy
      const changed = await deps.products.applySellerSafety(tx, userId, gradeRank(grade), score);
      if (changed > 0) afterCommit.schedule(tx, () => deps.cache.listingsChanged());
    },
    'user.profile_updated': async (event, tx) => {
      const { userId, protectedMode, minCounterpartGrade } = event.data;
      await deps.parties.applyProfile(tx, {
        userId,
        protectedMode,
        // A protected user without a minimum still wants protection (the user service's rule).
        minCounterpartGrade: protectedMode && minCounterpartGrade === null ? DEFAULT_PROTECTED_MIN_GRADE : minCounterpartGrade,
        at: new Date(event.occurredAt),
      });
    },
    'user.status_changed': async (event, tx) => {
      const { userId, status, until } = event.data;
      await deps.parties.applyAccountStatus(tx, { userId, status, until: until ? new Date(until) : null, at: new Date(event.occurredAt) });
    },
    'user.verification_requirement_changed': async (event, tx) => {
      const { userId, required, missing, at } = event.data;
      await deps.riskEffects.applyRequirement(tx, { userId, required, missing, at: new Date(at) });
    },
    // REQUIRE_VERIFICATION reaches this service as user.verification_requirement_changed (the user service decides what is missing).
    'monitor.action_ended': onlyWhen(({ data }) => TRADE_ACTIONS.has(data.action), async (event, tx) => {
      // One action expired with nothing else keeping it on the member: lift just that one.
      const { userId, action, endedAt } = event.data;
      const at = new Date(endedAt);
      if (action === 'WARN_COUNTERPARTS') await deps.riskEffects.applyCounterpartWarning(tx, { userId, active: false, at });
      if (action === 'RESTRICT_ACCOUNT') await deps.parties.applyRestriction(tx, { userId, active: false, reason: 'expired', at });
      if (action === 'HOLD_TRANSACTIONS') await deps.parties.applyHold(tx, { userId, active: false, reason: 'expired', expiresAt: null, at });
    }),
    'monitor.action_taken': onlyWhen(({ data }) => data.action === 'CLEAR' || TRADE_ACTIONS.has(data.action), async (event, tx) => {
      const { userId, action, reason, takenAt, expiresAt } = event.data;
      if (action === 'WARN_COUNTERPARTS' || action === 'CLEAR') {
        await deps.riskEffects.applyCounterpartWarning(tx, { userId, active: action === 'WARN_COUNTERPARTS', at: new Date(takenAt) });
      }
      if (action === 'RESTRICT_ACCOUNT' || action === 'CLEAR') {
        await deps.parties.applyRestriction(tx, { userId, active: action === 'RESTRICT_ACCOUNT', reason, at: new Date(takenAt) });
      }
      if (action !== 'HOLD_TRANSACTIONS' && action !== 'CLEAR') return;
      await deps.parties.applyHold(tx, {
        userId,
        active: action === 'HOLD_TRANSACTIONS',
        reason,
        expiresAt: expiresAt ? new Date(expiresAt) : null,
        at: new Date(takenAt),
      });
    }),
  };
}
