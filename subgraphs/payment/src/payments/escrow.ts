// The one way a payment changes status: the state machine decides (escrow-state-machine.ts), a
// conditional update applies it, and in the same transaction the history row, the ledger entry of
// the money that moved and the outbox event are written; subscribers hear of it after commit.
// Whatever causes a change (a resolver, a webhook, an event, a job) goes through `move`, so money
// is booked exactly once per movement and never released twice.
import { ConflictError, systemClock, type BusinessCounter, type Clock } from '@anshim/platform';
import type { Tx } from '../database.ts';
import { checkEscrowTransition } from '../escrow/escrow-state-machine.ts';
import type { LedgerRepository } from '../ledger/ledger-repository.ts';
import { entryFor } from '../ledger/postings.ts';
import { messages } from '../messages.ts';
import type { PaymentActor, PaymentRecord, PaymentStatus } from '../model.ts';
import type { PaymentEvents } from '../outbound/payment-events.ts';
import type { PaymentRepository } from './payment-repository.ts';
import type { PaymentPublisher } from './payment-channels.ts';

export interface EscrowDeps {
  payments: PaymentRepository;
  ledger: LedgerRepository;
  events: PaymentEvents;
  publisher: PaymentPublisher;
  /** anshim_payments_total: a state the money entered, counted once its transaction committed. */
  counter: BusinessCounter<'payments'>;
}

/** The states the business dashboard follows (where the buyer's money is). */
export const COUNTED_PAYMENT_STATES: ReadonlySet<PaymentStatus> = new Set(['HELD', 'RELEASED', 'REFUNDED', 'DISPUTED']);

/** A unit of work: the transaction, and where to hand what must wait for its commit. */
export interface Unit {
  tx: Tx;
  defer: (work: () => Promise<void>) => void;
}

export interface Move {
  to: PaymentStatus;
  actor: PaymentActor;
  reason?: string | null;
  fields?: Parameters<PaymentRepository['move']>[4];
}

export class Escrow {
  constructor(private readonly deps: EscrowDeps, private readonly now: Clock = systemClock) {}

  /**
   * Moves the payment if the state machine allows it and the row is still in the status read;
   * the payment as it is afterwards, or null when it moved on meanwhile (the caller decides
   * whether that is a conflict or a duplicate). Throws ConflictError for a change never allowed.
   */
  async move(unit: Unit, payment: PaymentRecord, move: Move): Promise<PaymentRecord | null> {
    const check = checkEscrowTransition(payment.status, move.to, move.actor);
    if (!check.ok) throw new ConflictError(messages.statusReason[move.to as keyof typeof messages.statusReason] ?? messages.paymentExists, { reason: check.reason, status: payment.status });
    if (!(await this.deps.payments.move(unit.tx, payment.id, payment.status, move.to, move.fields))) return null;
    const moved: PaymentRecord = { ...payment, ...move.fields, status: move.to };
    await this.recordChange(unit, payment.status, moved, move);
    if (check.moves) await this.deps.ledger.record(unit.tx, entryFor(check.moves, moved));
    return moved;
  }

  /** The first history row and event of a new payment (its creation is a change from nothing). */
  async created(unit: Unit, payment: PaymentRecord, actor: PaymentActor, reason: string | null = null): Promise<void> {
    await this.recordChange(unit, null, payment, { to: payment.status, actor, reason });
  }

  private async recordChange(unit: Unit, from: PaymentStatus | null, payment: PaymentRecord, move: Move): Promise<void> {
    const change = { paymentId: payment.id, from, to: move.to, actor: move.actor, reason: move.reason ?? null, at: this.now() };
    await this.deps.payments.addHistory(unit.tx, change);
    await this.deps.events.statusChanged(unit.tx, payment, change);
    unit.defer(async () => {
      if (COUNTED_PAYMENT_STATES.has(move.to)) this.deps.counter.inc({ state: move.to.toLowerCase() });
      await this.deps.publisher.publish(payment);
    });
  }
}
