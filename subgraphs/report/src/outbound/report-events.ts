// What the report service publishes (topic report.events). Each call writes one outbox row inside
// the caller's transaction, so an event exists exactly when its change was committed.
import { outboxWriter } from '@anshim/platform';
import type { Tx } from '../database.ts';
import type { ReportDecision } from '../model.ts';
import type { ReportRecord, SanctionRecord } from '../reports/report-repository.ts';

const write = outboxWriter('report');

export class ReportEvents {
  /** URGENT reports go out with high priority: monitor and the admins' queue see them first. */
  async filed(tx: Tx, report: ReportRecord): Promise<void> {
    await write(tx, {
      type: 'report.filed',
      subjectUserId: report.targetUserId,
      priority: report.priority === 'URGENT' ? 'high' : undefined,
      data: {
        reportId: report.id,
        reporterId: report.reporterId,
        targetUserId: report.targetUserId,
        type: report.type,
        priority: report.priority,
        productId: report.productId,
        transactionId: report.transactionId,
        filedAt: report.createdAt.toISOString(),
        ...(report.reporterTrust ? { reporter: report.reporterTrust } : {}),
      },
    });
  }

  async processed(tx: Tx, report: ReportRecord, decision: ReportDecision, sanction: SanctionRecord | null, processedAt: Date): Promise<void> {
    await write(tx, {
      type: 'report.processed',
      subjectUserId: report.targetUserId,
      data: {
        reportId: report.id,
        reporterId: report.reporterId,
        targetUserId: report.targetUserId,
        type: report.type,
        decision,
        sanction: sanction?.type ?? null,
        filedAt: report.createdAt.toISOString(),
        processedAt: processedAt.toISOString(),
        transactionId: report.transactionId,
        // Set for a PAYMENT_DISPUTE report: payment settles the held money by this decision.
        paymentId: report.paymentId,
      },
    });
  }

  /** An accepted report named accounts or phone numbers: their lookup hashes, for the monitor's copy. */
  async identifiersConfirmed(tx: Tx, report: ReportRecord, identifiers: ReadonlyArray<{ type: 'BANK_ACCOUNT' | 'PHONE'; lookupHash: string }>, confirmedAt: Date): Promise<void> {
    if (identifiers.length === 0) return;
    await write(tx, {
      type: 'report.identifiers_confirmed',
      subjectUserId: report.targetUserId,
      priority: 'high',
      data: { reportId: report.id, targetUserId: report.targetUserId, identifiers: [...identifiers], confirmedAt: confirmedAt.toISOString() },
    });
  }

  async sanctionApplied(tx: Tx, sanction: SanctionRecord, appliedBy: string): Promise<void> {
    await write(tx, {
      type: 'report.sanction_applied',
      subjectUserId: sanction.userId,
      data: {
        reportId: sanction.reportId,
        userId: sanction.userId,
        sanction: sanction.type,
        reason: sanction.reason,
        startsAt: sanction.startsAt.toISOString(),
        endsAt: sanction.endsAt?.toISOString() ?? null,
        sanctionId: sanction.id,
        appliedBy,
      },
    });
  }

  async sanctionEnded(tx: Tx, sanction: SanctionRecord, endedAt: Date): Promise<void> {
    await write(tx, {
      type: 'report.sanction_ended',
      subjectUserId: sanction.userId,
      data: { reportId: sanction.reportId, userId: sanction.userId, sanction: sanction.type, endedAt: endedAt.toISOString(), sanctionId: sanction.id },
    });
  }
}
