// Who may write in chat right now (pure, from the member copies): an account that is banned,
// suspended or restricted by the monitor sends nothing; a member under REQUIRE_VERIFICATION
// neither sends nor starts conversations until SMS and ID-card verification are done; a protected
// seller who chose to guard chats is not put in a conversation with a buyer below their minimum.
// Each refusal is a coded FORBIDDEN that says why in plain words.
import { ForbiddenError, type LocalizedText } from '@anshim/platform';
import type { MemberCopy } from '../copies/member-copy-repository.ts';
import { messages } from '../messages.ts';
import { DEFAULT_GRADE, DEFAULT_PROTECTED_MIN_GRADE, meetsMinimum } from '../model.ts';

/** Why the member may not send now, or null. A suspension with an end in the past is over. */
function standingRefusal(member: MemberCopy, now: Date): LocalizedText | null {
  if (member.status === 'BANNED') return messages.accountBanned;
  if (member.status === 'SUSPENDED' && (!member.statusUntil || member.statusUntil > now)) return messages.accountSuspended;
  if (member.restricted) return messages.accountRestricted;
  return null;
}

/** REQUIRE_VERIFICATION in force: refuses with what is still missing (SMS, ID_CARD). */
export function assertVerified(member: MemberCopy): void {
  if (!member.verificationRequired) return;
  throw new ForbiddenError(messages.verificationRequired, { reason: 'VERIFICATION_REQUIRED', missing: member.verificationMissing });
}

/** sendMessage: standing first (a banned member is told that), then verification. */
export function assertMaySend(sender: MemberCopy, now: Date): void {
  const refusal = standingRefusal(sender, now);
  if (refusal) throw new ForbiddenError(refusal, { reason: 'SENDER_NOT_ALLOWED' });
  assertVerified(sender);
}

/**
 * startConversation (a new one): the buyer's standing and verification, then the seller's
 * protection. A protected seller with protectChats and no minimum still wants NORMAL or better;
 * an unscored buyer counts as NORMAL.
 */
export function assertMayStart(buyer: MemberCopy, seller: MemberCopy, now: Date): void {
  assertMaySend(buyer, now);
  if (!seller.protectedMode || !seller.protectChats) return;
  const minimum = seller.minCounterpartGrade ?? DEFAULT_PROTECTED_MIN_GRADE;
  if (meetsMinimum(buyer.grade ?? DEFAULT_GRADE, minimum)) return;
  throw new ForbiddenError(messages.buyerGradeBelowMinimum(minimum), { reason: 'BUYER_GRADE_BELOW_MINIMUM', minCounterpartGrade: minimum });
}
