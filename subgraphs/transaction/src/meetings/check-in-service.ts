// Check-in at the meeting spot, for meetings in person: a party of an ACCEPTED trade says "I am
// there now" and, once safely done, "I left". A check-in still open after the alert time lets the
// platform text a protected member's guardians (jobs/check-in-alert.ts files the delayed job in
// the check-in's own transaction, so a check-in never exists without its alert). Only the
// parties themselves check in or out (an ADMIN cannot do it for someone), and each party sees
// only their own check-in: the other party's whereabouts are not theirs to read.
import { randomUUID } from 'node:crypto';
import { AppError, ForbiddenError, NotFoundError, requireIdentity, systemClock, type Clock } from '@anshim/platform';
import { transaction, violatedIndex, type TransactionPrisma } from '../database.ts';
import { messages } from '../messages.ts';
import type { RequestScope } from '../scope.ts';
import type { TradeRecord, TradeRepository } from '../trades/trade-repository.ts';
import type { CheckInRecord, CheckInRepository } from './check-in-repository.ts';

export interface CheckInServiceDeps {
  prisma: TransactionPrisma;
  checkIns: CheckInRepository;
  trades: TradeRepository;
  /** Files the overdue alert of a new check-in, inside its transaction (a failure undoes the check-in). */
  scheduleAlert: (checkIn: CheckInRecord) => Promise<void>;
  /** Drops the alert of a check-in that ended (best effort: a run after check-out does nothing). */
  cancelAlert: (checkInId: string) => Promise<void>;
}

export class CheckInService {
  constructor(private readonly deps: CheckInServiceDeps, private readonly now: Clock = systemClock) {}

  /** checkInAtMeetingSpot: idempotent while checked in (the same check-in, no second alert). */
  async checkIn(scope: RequestScope, transactionId: string): Promise<TradeRecord> {
    const { trade, userId } = await this.partyTrade(scope, transactionId);
    // A meeting makes sense once the seller accepted and until the trade ends.
    if (trade.status !== 'ACCEPTED') throw new AppError(messages.checkInNotAccepted, 'BAD_USER_INPUT', { reason: 'TRADE_NOT_ACCEPTED', status: trade.status });
    const existing = await this.deps.checkIns.findOpen(this.deps.prisma, trade.id, userId);
    if (!existing) {
      const now = this.now();
      try {
        await transaction(this.deps.prisma, async (tx) => {
          const created = await this.deps.checkIns.create(tx, { id: randomUUID(), transactionId: trade.id, userId, at: now });
          await this.deps.scheduleAlert(created);
        });
      } catch (error) {
        // Two check-ins at once: the other one won, and it is the party's check-in.
        if (!violatedIndex(error)?.includes('meeting_check_ins_open_key')) throw error;
      }
    }
    scope.loaders.checkIn.clearAll();
    return trade;
  }

  /** checkOutOfMeetingSpot: ends the party's open check-in; an error when there is none. */
  async checkOut(scope: RequestScope, transactionId: string): Promise<TradeRecord> {
    const { trade, userId } = await this.partyTrade(scope, transactionId);
    const ended = await transaction(this.deps.prisma, (tx) => this.deps.checkIns.checkOut(tx, trade.id, userId, this.now()));
    if (!ended) throw new AppError(messages.notCheckedIn, 'BAD_USER_INPUT', { reason: 'NOT_CHECKED_IN' });
    await this.deps.cancelAlert(ended.id);
    scope.loaders.checkIn.clearAll();
    return trade;
  }

  /** Transaction.checkedInAt: the viewer's own open (else last) check-in; null for anyone else. */
  async checkedInAt(scope: RequestScope, trade: TradeRecord): Promise<Date | null> {
    const viewer = scope.identity?.userId;
    if (!viewer || (viewer !== trade.buyerId && viewer !== trade.sellerId)) return null;
    return (await scope.loaders.checkIn.load(`${trade.id}|${viewer}`))?.checkedInAt ?? null;
  }

  private async partyTrade(scope: RequestScope, transactionId: string): Promise<{ trade: TradeRecord; userId: string }> {
    const identity = requireIdentity(scope);
    // A malformed id finds nothing, like an unknown one.
    const trade = await this.deps.trades.findById(transactionId);
    if (!trade) throw new NotFoundError(messages.transactionNotFound);
    if (identity.userId !== trade.buyerId && identity.userId !== trade.sellerId) throw new ForbiddenError(messages.partiesOnlyCheckIn);
    return { trade, userId: identity.userId };
  }
}
