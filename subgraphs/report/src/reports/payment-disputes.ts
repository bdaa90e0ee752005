// A buyer's dispute of a safe payment (payment.disputed) opens a report for the moderators: the
// buyer reports the seller, in the buyer's own words, naming the trade and the payment. When a
// trade dispute froze the money instead, the disputing party is the reporter (a seller's case is
// against the buyer, and upholding it pays the seller). The
// moderator's usual decision (processReport) then decides the held money: report.processed carries
// the payment id, and payment refunds the buyer on ACCEPT and pays the seller on DISMISS.
//
// The type is FRAUD: an upheld dispute is money taken for goods not delivered as agreed, so it
// counts in the safety score exactly like an accepted FRAUD report, with no second rule for safety
// and the monitor to keep in step. `origin` PAYMENT_DISPUTE tells the two kinds apart.
//
// Runs in the event consumer's transaction, with its processed-event record: a redelivered event
// opens nothing twice, and the unique payment id keeps a replay under a new event id from doing so.
import { TRADE_DISPUTE_REASONS, type EventData } from '@anshim/contracts';
import type { Logger } from '@anshim/platform';
import type { KnownPartiesRepository } from '../copies/known-parties-repository.ts';
import type { Tx } from '../database.ts';
import type { ReportEvents } from '../outbound/report-events.ts';
import { priorityOf } from './priority.ts';
import type { ReportRecord, ReportRepository } from './report-repository.ts';

/** A member's description is at most 2,000 characters; payment keeps a dispute reason to 1,000. */
const MAX_DESCRIPTION = 2_000;

/** Stored when the event carries no reason (payment requires one; an older producer might not). */
export const NO_REASON_GIVEN = '구매자가 안심결제에 문제를 신고했어요 (사유를 적지 않았어요). / The buyer disputed the safe payment without giving a reason.';

/** A trade dispute (transaction.disputed) froze the money: no words of the member's, so say which party it was. */
const TRADE_DISPUTE_DESCRIPTIONS: Record<string, string> = {
  [TRADE_DISPUTE_REASONS.BUYER]: '구매자가 거래에 문제를 신고해 안심결제 돈이 보관 중이에요. / The buyer disputed the trade; the safe-payment money is held.',
  [TRADE_DISPUTE_REASONS.SELLER]: '판매자가 거래에 문제를 신고해 안심결제 돈이 보관 중이에요. / The seller disputed the trade; the safe-payment money is held.',
};

export interface PaymentDisputesDeps {
  reports: ReportRepository;
  known: KnownPartiesRepository;
  events: ReportEvents;
  logger: Logger;
}

export class PaymentDisputes {
  constructor(private readonly deps: PaymentDisputesDeps) {}

  /** Opens the dispute's report; null when it was opened already or the event cannot open one (logged). */
  async opened(tx: Tx, data: EventData<'payment.disputed'>): Promise<ReportRecord | null> {
    if (data.to !== 'DISPUTED' || data.buyerId === data.sellerId) {
      this.deps.logger.warn({ paymentId: data.paymentId, to: data.to }, 'payment.disputed does not describe a dispute between two people; no report opened');
      return null;
    }
    const existing = await this.deps.reports.ofPayment(tx, data.paymentId);
    if (existing) return null;

    const at = new Date(data.at);
    // The seller's trade dispute is the seller's case against the buyer; every other, the buyer's.
    const bySeller = data.reason === TRADE_DISPUTE_REASONS.SELLER;
    const [reporterId, targetUserId] = bySeller ? [data.sellerId, data.buyerId] : [data.buyerId, data.sellerId];
    // The payment proves a trade the seller accepted and the buyer paid for, whatever this
    // service's copy of the trade has heard yet: the report weighs as a real trade's.
    const trust = { ...(await this.deps.known.reporterTrust(reporterId, targetUserId, at)), tradedWithTarget: true };
    await this.deps.known.userRegistered(tx, data.buyerId, at);
    await this.deps.known.userRegistered(tx, data.sellerId, at);
    const reason = data.reason?.trim();
    const description = [...((reason && TRADE_DISPUTE_DESCRIPTIONS[reason]) || reason || NO_REASON_GIVEN)].slice(0, MAX_DESCRIPTION).join('');
    const report = await this.deps.reports.create(tx, {
      reporterId,
      targetUserId,
      type: 'FRAUD',
      // HIGH (money is held for a moderator); URGENT when the buyer speaks of threats or violence.
      priority: priorityOf('FRAUD', description),
      description,
      productId: null,
      transactionId: data.transactionId,
      evidence: [],
      reporterTrust: trust,
      origin: 'PAYMENT_DISPUTE',
      paymentId: data.paymentId,
    });
    await this.deps.events.filed(tx, report);
    return report;
  }
}
