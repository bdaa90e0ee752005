// Who may trade with whom right now (pure): account restrictions, monitor holds, and protected
// mode in both directions (a protected buyer's minimum seller grade, a protected seller's minimum
// buyer grade). Each refusal says why in plain words.
import type { LocalizedText } from '@anshim/platform';
import type { PartyState } from '../copies/party-repository.ts';
import { messages } from '../messages.ts';
import { DEFAULT_GRADE, DEFAULT_PROTECTED_MIN_GRADE, meetsMinimum, type SafetyGrade } from '../model.ts';

export type RefusalReason = 'ACCOUNT_RESTRICTED' | 'ON_HOLD' | 'COUNTERPART_ON_HOLD' | 'SELLER_GRADE_BELOW_MINIMUM' | 'BUYER_GRADE_BELOW_MINIMUM';

export interface Refusal {
  reason: RefusalReason;
  message: LocalizedText;
  details?: Record<string, unknown>;
}

export function defaultParty(userId: string): PartyState {
  return {
    userId,
    grade: null,
    score: null,
    protectedMode: false,
    minCounterpartGrade: null,
    accountStatus: 'ACTIVE',
    statusUntil: null,
    held: false,
    holdExpiresAt: null,
    restricted: false,
  };
}

function restricted(party: PartyState, now: Date): boolean {
  if (party.accountStatus === 'BANNED' || party.restricted) return true;
  return party.accountStatus === 'SUSPENDED' && (party.statusUntil === null || party.statusUntil > now);
}

function onHold(party: PartyState, now: Date): boolean {
  return party.held && (party.holdExpiresAt === null || party.holdExpiresAt > now);
}

/** Holds and restrictions: checked when a trade starts and before it is accepted or completed. */
export function holdRefusal(actor: PartyState, counterpart: PartyState, now: Date): Refusal | null {
  if (restricted(actor, now) || restricted(counterpart, now)) return { reason: 'ACCOUNT_RESTRICTED', message: messages.accountRestricted };
  if (onHold(actor, now)) return { reason: 'ON_HOLD', message: messages.holdSelf };
  if (onHold(counterpart, now)) return { reason: 'COUNTERPART_ON_HOLD', message: messages.holdCounterpart };
  return null;
}

/** A protected buyer refuses sellers below their minimum; an unscored seller counts as NORMAL. */
export function protectionRefusal(buyer: PartyState, seller: PartyState): Refusal | null {
  if (!buyer.protectedMode) return null;
  const minimum: SafetyGrade = buyer.minCounterpartGrade ?? DEFAULT_PROTECTED_MIN_GRADE;
  const sellerGrade: SafetyGrade = seller.grade ?? DEFAULT_GRADE;
  if (meetsMinimum(sellerGrade, minimum)) return null;
  return {
    reason: 'SELLER_GRADE_BELOW_MINIMUM',
    message: messages.protectedMode(sellerGrade, minimum),
    details: { sellerGrade, minCounterpartGrade: minimum },
  };
}

/**
 * A protected seller refuses buyers below their minimum, exactly as a protected buyer refuses
 * sellers; an unscored buyer counts as NORMAL. The buyer reads their own grade (they see it anyway)
 * but not the seller's minimum, which is the seller's private setting.
 */
export function sellerProtectionRefusal(buyer: PartyState, seller: PartyState): Refusal | null {
  if (!seller.protectedMode) return null;
  const minimum: SafetyGrade = seller.minCounterpartGrade ?? DEFAULT_PROTECTED_MIN_GRADE;
  const buyerGrade: SafetyGrade = buyer.grade ?? DEFAULT_GRADE;
  if (meetsMinimum(buyerGrade, minimum)) return null;
  return { reason: 'BUYER_GRADE_BELOW_MINIMUM', message: messages.protectedSeller(buyerGrade), details: { buyerGrade } };
}

export function startRefusal(buyer: PartyState, seller: PartyState, now: Date): Refusal | null {
  return holdRefusal(buyer, seller, now) ?? protectionRefusal(buyer, seller) ?? sellerProtectionRefusal(buyer, seller);
}
