// What payment publishes (topic payment.events): one event per status a payment enters, written
// as an outbox row inside the transaction of the change, so the event exists exactly when the
// change was committed.
import { outboxWriter } from '@anshim/platform';
import type { Tx } from '../database.ts';
import type { ApprovalRecord } from '../guardian-approval/approval-repository.ts';
import type { PaymentRecord, PaymentStatus, StatusChangeRecord } from '../model.ts';

const write = outboxWriter('payment');

const EVENT_OF = {
  AWAITING_GUARDIAN: 'payment.started',
  AWAITING_PAYMENT: 'payment.started',
  HELD: 'payment.held',
  RELEASED: 'payment.released',
  REFUNDED: 'payment.refunded',
  DISPUTED: 'payment.disputed',
  CANCELLED: 'payment.cancelled',
  FAILED: 'payment.failed',
} as const satisfies Record<PaymentStatus, string>;

export class PaymentEvents {
  async statusChanged(tx: Tx, payment: PaymentRecord, change: StatusChangeRecord): Promise<void> {
    await write(tx, {
      type: EVENT_OF[change.to],
      subjectUserId: payment.buyerId,
      data: {
        paymentId: payment.id,
        transactionId: payment.transactionId,
        buyerId: payment.buyerId,
        sellerId: payment.sellerId,
        amount: payment.amount,
        from: change.from,
        to: change.to,
        actor: change.actor,
        reason: change.reason,
        at: change.at.toISOString(),
      },
    });
  }

  /** A guardian must approve this payment: the user service texts them (the code is not in here). */
  async approvalRequested(tx: Tx, payment: PaymentRecord, approval: ApprovalRecord, extra: { itemTitle: string | null; guardianIds: string[] }): Promise<void> {
    await write(tx, {
      type: 'payment.guardian_approval_requested',
      subjectUserId: payment.buyerId,
      data: {
        approvalId: approval.id,
        paymentId: payment.id,
        transactionId: payment.transactionId,
        buyerId: payment.buyerId,
        sellerId: payment.sellerId,
        amount: payment.amount,
        itemTitle: extra.itemTitle,
        reason: approval.reasonCode,
        counterpartGrade: approval.counterpartGrade,
        guardianIds: extra.guardianIds,
        requestedAt: approval.requestedAt.toISOString(),
        expiresAt: approval.expiresAt.toISOString(),
      },
    });
  }
}
