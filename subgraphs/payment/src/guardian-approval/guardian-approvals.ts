// Guardian approval of a protected member's safe payment (issue 19 point 4). At start, `plan` says
// whether a guardian must approve (the amount and the seller's grade from our copy, then the
// member's approving guardians read from the user service), and `request` writes the approval with
// the payment, in the same transaction, with payment.guardian_approval_requested in the outbox: the
// user service texts the guardian the code. `decide` takes the guardian's answer (no account: the
// code is the proof), `expire` ends an unanswered one at expiresAt (a delayed job; the settle sweep
// catches any the job missed). The code is never stored: it is derived from the approval's id
// (the platform's guardian-approval-code.ts), so this service keeps nothing a reader could answer with.
import { randomUUID } from 'node:crypto';
import { BadInputError, ConflictError, isGuardianApprovalCode, NotFoundError, systemClock, type Clock, type Logger } from '@anshim/platform';
import type { ApprovalCopies, Grade } from '../copies/approval-copies.ts';
import type { UserOwner } from '../copies/user-owner.ts';
import { messages } from '../messages.ts';
import { checkId, type PaymentRecord, type TradeRecord } from '../model.ts';
import type { PaymentEvents } from '../outbound/payment-events.ts';
import type { CheckoutOpener } from '../payments/checkout-opener.ts';
import type { Escrow, Unit } from '../payments/escrow.ts';
import type { PaymentRepository } from '../payments/payment-repository.ts';
import type { RunUnit } from '../payments/units.ts';
import { approvalReason, mayNeedApproval, type ApprovalReason, type ApprovalThresholds } from './approval-policy.ts';
import type { ApprovalRecord, ApprovalRepository } from './approval-repository.ts';

/** Wrong codes an approval takes before it is locked (then it can only expire). */
export const MAX_APPROVAL_TRIES = 5;
const MAX_CODE_LENGTH = 20;
const SWEEP_BATCH = 100;

export interface ApprovalPlan {
  reason: ApprovalReason;
  sellerGrade: Grade | null;
  guardianIds: string[];
}

export interface GuardianApprovalsDeps {
  approvals: ApprovalRepository;
  payments: PaymentRepository;
  copies: ApprovalCopies;
  owner: UserOwner;
  escrow: Escrow;
  events: PaymentEvents;
  checkout: CheckoutOpener;
  runUnit: RunUnit;
  thresholds: ApprovalThresholds;
  ttlMs: number;
  internalSecret: string;
  /** Files the delayed expiry job (job id = approval id); called after commit. */
  scheduleExpiry: (approvalId: string, delayMs: number) => Promise<void>;
  logger: Logger;
}

export class GuardianApprovals {
  constructor(private readonly deps: GuardianApprovalsDeps, private readonly now: Clock = systemClock) {}

  /** Whether a guardian must approve a payment for this trade; null when not (or nobody approves the buyer's payments). */
  async plan(trade: TradeRecord): Promise<ApprovalPlan | null> {
    if (!mayNeedApproval(trade.price, this.deps.thresholds)) return null;
    const sellerGrade = await this.deps.copies.gradeOf(trade.sellerId);
    const reason = approvalReason(trade.price, sellerGrade, this.deps.thresholds);
    if (!reason) return null;
    const guardianIds = await this.deps.owner.paymentApproversOf(trade.buyerId);
    return guardianIds.length > 0 ? { reason, sellerGrade, guardianIds } : null;
  }

  /** In the start's transaction: the approval row and the event the user service texts the guardian from. */
  async request(unit: Unit, payment: PaymentRecord, plan: ApprovalPlan): Promise<ApprovalRecord> {
    const requestedAt = this.now();
    const approval = await this.deps.approvals.create(unit.tx, {
      id: randomUUID(),
      paymentId: payment.id,
      guardianId: plan.guardianIds[0]!,
      reasonCode: plan.reason,
      counterpartGrade: plan.sellerGrade,
      requestedAt,
      expiresAt: new Date(requestedAt.getTime() + this.deps.ttlMs),
    });
    const itemTitle = await this.deps.copies.titleOf(payment.productId, unit.tx);
    await this.deps.events.approvalRequested(unit.tx, payment, approval, { itemTitle, guardianIds: plan.guardianIds });
    unit.defer(() =>
      this.deps.scheduleExpiry(approval.id, this.deps.ttlMs).catch((error: unknown) => {
        // The settle sweep expires it anyway; the job only makes it punctual.
        this.deps.logger.warn({ err: error, approvalId: approval.id }, 'could not schedule the approval expiry; the settle sweep will expire it');
      }),
    );
    return approval;
  }

  /** decideGuardianApproval: anyone holding the approval's id and code (the guardian's SMS); no account. */
  async decide(approvalId: string, code: string, approve: boolean): Promise<ApprovalRecord> {
    const id = checkId(approvalId);
    const typed = code.trim();
    if (!typed || typed.length > MAX_CODE_LENGTH) throw new BadInputError(messages.approvalCodeRequired, { reason: 'CODE_REQUIRED', field: 'code' });
    const approval = await this.deps.approvals.byId(id);
    if (!approval) throw new NotFoundError(messages.approvalNotFound, { reason: 'APPROVAL_NOT_FOUND' });
    this.checkOpen(approval);
    if (!isGuardianApprovalCode(this.deps.internalSecret, approval.id, typed)) {
      const tries = await this.deps.approvals.recordWrongCode(approval.id, MAX_APPROVAL_TRIES);
      if (tries === null) this.checkOpen((await this.deps.approvals.byId(approval.id)) ?? approval, true);
      const left = MAX_APPROVAL_TRIES - (tries ?? MAX_APPROVAL_TRIES);
      if (left <= 0) throw new BadInputError(messages.approvalCodeLocked, { reason: 'CODE_LOCKED', field: 'code', attemptsLeft: 0 });
      throw new BadInputError(messages.approvalCodeWrong(left), { reason: 'WRONG_CODE', field: 'code', attemptsLeft: left });
    }
    const decidedAt = this.now();
    const outcome = approve ? 'APPROVED' : 'DECLINED';
    const moved = await this.deps.runUnit(async (unit) => {
      if (!(await this.deps.approvals.decide(unit.tx, approval.id, outcome, decidedAt))) return null;
      const payment = await this.deps.payments.byId(approval.paymentId, unit.tx);
      if (!payment || payment.status !== 'AWAITING_GUARDIAN') throw new ConflictError(messages.approvalPaymentGone, { reason: 'PAYMENT_MOVED_ON', status: payment?.status ?? null });
      return this.deps.escrow.move(unit, payment, approve
        ? { to: 'AWAITING_PAYMENT', actor: 'GUARDIAN', reason: 'GUARDIAN_APPROVED' }
        : { to: 'CANCELLED', actor: 'GUARDIAN', reason: 'GUARDIAN_DECLINED' });
    });
    if (!moved) this.checkOpen((await this.deps.approvals.byId(approval.id)) ?? approval, true);
    if (moved?.status === 'AWAITING_PAYMENT') {
      // The guardian's answer stands whatever the provider does; a provider that cannot open a
      // checkout fails the payment (CheckoutOpener), and the member may start again.
      await this.deps.checkout.open(moved).catch((error: unknown) => this.deps.logger.warn({ err: error, paymentId: moved.id }, 'approved, but the checkout could not be opened'));
    }
    return { ...approval, status: outcome, decidedAt };
  }

  /** The delayed job at expiresAt: EXPIRED, and the payment still waiting is CANCELLED. Idempotent. */
  async expire(approvalId: string): Promise<boolean> {
    const approval = await this.deps.approvals.byId(approvalId);
    if (!approval || approval.status !== 'PENDING' || approval.expiresAt.getTime() > this.now().getTime()) return false;
    return this.deps.runUnit(async (unit) => {
      if (!(await this.deps.approvals.decide(unit.tx, approval.id, 'EXPIRED', this.now()))) return false;
      const payment = await this.deps.payments.byId(approval.paymentId, unit.tx);
      if (payment?.status === 'AWAITING_GUARDIAN') await this.deps.escrow.move(unit, payment, { to: 'CANCELLED', actor: 'PLATFORM', reason: 'GUARDIAN_EXPIRED' });
      return true;
    });
  }

  /** The settle sweep: every pending approval past its expiresAt (a job lost with Redis, say). */
  async expireOverdue(): Promise<number> {
    let expired = 0;
    for (const approval of await this.deps.approvals.overdue(this.now(), SWEEP_BATCH)) if (await this.expire(approval.id)) expired++;
    return expired;
  }

  /** Throws the coded refusal when the approval takes no answer any more. */
  private checkOpen(approval: ApprovalRecord, raced = false): void {
    if (approval.status === 'EXPIRED' || (approval.status === 'PENDING' && approval.expiresAt.getTime() <= this.now().getTime())) {
      throw new ConflictError(messages.approvalExpired, { reason: 'APPROVAL_EXPIRED' });
    }
    if (approval.status !== 'PENDING') throw new ConflictError(messages.approvalDecided, { reason: 'APPROVAL_DECIDED', status: approval.status });
    if (approval.failedTries >= MAX_APPROVAL_TRIES) throw new BadInputError(messages.approvalCodeLocked, { reason: 'CODE_LOCKED', field: 'code', attemptsLeft: 0 });
    if (raced) throw new ConflictError(messages.approvalDecided, { reason: 'APPROVAL_DECIDED', status: approval.status });
  }
}
