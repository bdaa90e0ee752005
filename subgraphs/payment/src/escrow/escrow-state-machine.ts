// The escrow state machine, in one place: which status may follow which, and who may cause it.
// Pure (no I/O): the service asks it, then applies the answer with a conditional update
// (`WHERE status = from`), so two racing changes cannot both win.
//
//   AWAITING_GUARDIAN ─guardian approves─▶ AWAITING_PAYMENT ─provider confirms─▶ HELD ─buyer completes / auto-release─▶ RELEASED
//        │ declined / expired                 │ trade cancelled, provider failure      │ trade cancelled ─▶ REFUNDED
//        ▼                                    ▼                                       └ buyer disputes / trade disputed ─▶ DISPUTED ─moderator─▶ RELEASED | REFUNDED
//    CANCELLED                          CANCELLED | FAILED
import { FINAL_STATUSES, type PaymentActor, type PaymentStatus } from '../model.ts';

interface Transition {
  to: PaymentStatus;
  by: readonly PaymentActor[];
}

export const ESCROW_TRANSITIONS: Readonly<Record<PaymentStatus, readonly Transition[]>> = {
  AWAITING_GUARDIAN: [
    { to: 'AWAITING_PAYMENT', by: ['GUARDIAN'] },
    // Declined by the guardian, expired unanswered (the platform's job), or the trade was cancelled.
    { to: 'CANCELLED', by: ['GUARDIAN', 'PLATFORM'] },
  ],
  AWAITING_PAYMENT: [
    { to: 'HELD', by: ['PROVIDER'] },
    { to: 'FAILED', by: ['PROVIDER'] },
    { to: 'CANCELLED', by: ['BUYER', 'PLATFORM'] },
  ],
  HELD: [
    { to: 'RELEASED', by: ['BUYER', 'PLATFORM'] },
    { to: 'REFUNDED', by: ['PLATFORM', 'MODERATOR'] },
    // The buyer disputes the payment, or either party disputes the trade (the platform then freezes it).
    { to: 'DISPUTED', by: ['BUYER', 'PLATFORM'] },
  ],
  // The money stays held until a moderator decides.
  DISPUTED: [
    { to: 'RELEASED', by: ['MODERATOR'] },
    { to: 'REFUNDED', by: ['MODERATOR'] },
  ],
  RELEASED: [],
  REFUNDED: [],
  CANCELLED: [],
  FAILED: [],
};

export type EscrowCheck =
  | { ok: true; moves: MoneyMove | null }
  | { ok: false; reason: 'FINAL' | 'ILLEGAL_TRANSITION' | 'WRONG_ACTOR'; allowed: PaymentStatus[] };

/** What the ledger must record for a change (see ledger/postings.ts); null when no money moves. */
export type MoneyMove = 'HOLD' | 'RELEASE' | 'REFUND';

const MOVES: Partial<Record<PaymentStatus, MoneyMove>> = { HELD: 'HOLD', RELEASED: 'RELEASE', REFUNDED: 'REFUND' };

export function allowedNext(from: PaymentStatus): PaymentStatus[] {
  return ESCROW_TRANSITIONS[from].map((transition) => transition.to);
}

/** Whether `actor` may move a payment from `from` to `to`, and which money movement that is. */
export function checkEscrowTransition(from: PaymentStatus, to: PaymentStatus, actor: PaymentActor): EscrowCheck {
  if (FINAL_STATUSES.has(from)) return { ok: false, reason: 'FINAL', allowed: [] };
  const transition = ESCROW_TRANSITIONS[from].find((candidate) => candidate.to === to);
  if (!transition) return { ok: false, reason: 'ILLEGAL_TRANSITION', allowed: allowedNext(from) };
  if (!transition.by.includes(actor)) return { ok: false, reason: 'WRONG_ACTOR', allowed: allowedNext(from) };
  return { ok: true, moves: MOVES[to] ?? null };
}

/** Whether money is in escrow in this status (a reconciliation and a moderator care). */
export function holdsMoney(status: PaymentStatus): boolean {
  return status === 'HELD' || status === 'DISPUTED';
}
