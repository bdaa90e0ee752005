// payment.guardian_approval_requested → an SMS to each guardian payment named (issue 19 point 4):
// the amount, the item, why they are asked, and the code to approve or decline with. The guardian
// must still be this member's confirmed, approving guardian when the event arrives (the member may
// have withdrawn the request meanwhile). One SMS per guardian per approval: the notification row
// (`approval:<id>`) is claimed and the SMS queued (delivery/outbound-messages.ts) in the consumer's
// transaction, so a redelivered event queues nothing twice, and the outbound sender sends it after
// the commit, waiting out a provider outage instead of failing the event (issue 21). No per-counterpart
// collapse here, unlike alerts: every approval needs its own code, or the payment cannot go ahead.
// The code is derived here from the approval id (the platform's guardian-approval-code.ts); it never
// travelled in the event and is stored nowhere.
import { guardianApprovalCode, type EventHandlers, type Logger } from '@anshim/platform';
import type { Tx } from '../database.ts';
import type { OutboundMessages } from '../delivery/outbound-messages.ts';
import type { GuardianRepository } from '../guardians/guardian-repository.ts';
import { smsSafeItemTitle, smsSafeNickname } from '../guardians/sms-nickname.ts';
import { guardianTexts } from '../messages.ts';
import type { UserRepository } from '../users/user-repository.ts';

export interface GuardianApprovalTextDeps {
  users: UserRepository;
  guardians: GuardianRepository;
  /** The durable outbound queue the SMS go into (sent after the commit). */
  outbound: OutboundMessages;
  logger: Logger;
  internalSecret: string;
  /** GUARDIAN_APPROVAL_URL: the page the guardian answers on. */
  approvalUrl: string;
}

export function guardianApprovalHandlers(deps: GuardianApprovalTextDeps): EventHandlers<'user', Tx> {
  return {
    'payment.guardian_approval_requested': async (event, tx) => {
      const { approvalId, buyerId, guardianIds, amount, itemTitle, reason, counterpartGrade, expiresAt } = event.data;
      const asked = new Set(guardianIds);
      const guardians = (await deps.guardians.confirmedOf(tx, [buyerId])).filter((guardian) => asked.has(guardian.id) && guardian.approvesPayments);
      if (guardians.length === 0) {
        deps.logger.warn({ approvalId }, 'no guardian of the member approves payments any more; the approval will expire');
        return;
      }
      const member = await deps.users.findById(buyerId, tx);
      const validHours = Math.max(1, Math.round((new Date(expiresAt).getTime() - Date.now()) / 3_600_000));
      const text = guardianTexts.paymentApproval({
        userNickname: smsSafeNickname(member?.nickname),
        amount,
        itemTitle: smsSafeItemTitle(itemTitle),
        reason,
        grade: counterpartGrade,
        code: guardianApprovalCode(deps.internalSecret, approvalId),
        validHours,
        answerUrl: `${deps.approvalUrl}?approval=${approvalId}`,
      });
      let sent = 0;
      for (const guardian of guardians) {
        if (!(await deps.guardians.claimNotification(tx, guardian.id, `approval:${approvalId}`, 'PAYMENT_APPROVAL'))) continue;
        const dedupeKey = `guardian:${guardian.id}:approval:${approvalId}`;
        if (await deps.outbound.sms(tx, { phoneEncrypted: guardian.phoneEncrypted, text, kind: 'PAYMENT_APPROVAL', dedupeKey })) sent += 1;
      }
      if (sent > 0) deps.logger.info({ approvalId, queued: sent }, 'guardians asked to approve a payment (SMS queued)');
    },
  };
}
