// Conversation.safetyNotice (pure): the one plain sentence shown above a conversation, the most
// serious that applies to the viewer's counterpart or to what the viewer received. Serious first:
// the counterpart's trading is on hold, their grade is DANGER, the monitor warned their
// counterparts, their grade is CAUTION, and last something sent to the viewer was held back.
// Holds and warnings with an expiresAt in the past are over.
import type { LocalizedText } from '@anshim/platform';
import type { MemberCopy } from '../copies/member-copy-repository.ts';
import { safetyNotices } from '../messages.ts';

const inForce = (active: boolean, until: Date | null, now: Date) => active && (until === null || until > now);

export function safetyNoticeFor(counterpart: MemberCopy | null, maskedForViewer: boolean, now: Date): LocalizedText | null {
  if (counterpart) {
    if (inForce(counterpart.held, counterpart.heldUntil, now)) return safetyNotices.counterpartOnHold;
    if (counterpart.grade === 'DANGER') return safetyNotices.counterpartDanger;
    if (inForce(counterpart.warned, counterpart.warnedUntil, now)) return safetyNotices.counterpartWarned;
    if (counterpart.grade === 'CAUTION') return safetyNotices.counterpartCaution;
  }
  return maskedForViewer ? safetyNotices.somethingMasked : null;
}
