// The trade state machine, in one place: which status may follow which, and who may cause it.
// Pure (no I/O): the service asks it, then applies the answer with a conditional update.
//
//   REQUESTED ─seller─▶ ACCEPTED ─buyer─▶ COMPLETED
//       │                  │  └─either─▶ DISPUTED ◀─either, ≤ 7 days─┘
//       └─either─▶ CANCELLED ◀─either─┘
import type { PartyRole, ProductStatus, TradeStatus } from '../model.ts';

/** How long after completion either party may still open a dispute. */
export const DISPUTE_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

interface Rule {
  to: TradeStatus;
  by: readonly PartyRole[];
}

const EITHER: readonly PartyRole[] = ['BUYER', 'SELLER'];

export const TRANSITIONS: Readonly<Record<TradeStatus, readonly Rule[]>> = {
  REQUESTED: [
    { to: 'ACCEPTED', by: ['SELLER'] },
    { to: 'CANCELLED', by: EITHER },
  ],
  ACCEPTED: [
    { to: 'COMPLETED', by: ['BUYER'] },
    { to: 'CANCELLED', by: EITHER },
    { to: 'DISPUTED', by: EITHER },
  ],
  COMPLETED: [{ to: 'DISPUTED', by: EITHER }],
  CANCELLED: [],
  DISPUTED: [],
};

/** Statuses reachable from `from` by anyone. */
export function allowedNext(from: TradeStatus): TradeStatus[] {
  return TRANSITIONS[from].map((rule) => rule.to);
}

export type TransitionCheck =
  | { ok: true }
  | { ok: false; reason: 'ILLEGAL_TRANSITION'; allowed: TradeStatus[] }
  | { ok: false; reason: 'WRONG_PARTY'; allowedBy: readonly PartyRole[] }
  | { ok: false; reason: 'DISPUTE_WINDOW_CLOSED'; closedAt: Date };

/** Whether `role` may move a trade from `from` to `to` now. */
export function checkTransition(
  from: TradeStatus,
  to: TradeStatus,
  role: PartyRole,
  context: { completedAt: Date | null; now: Date },
): TransitionCheck {
  const rule = TRANSITIONS[from].find((r) => r.to === to);
  if (!rule) return { ok: false, reason: 'ILLEGAL_TRANSITION', allowed: allowedNext(from) };
  if (!rule.by.includes(role)) return { ok: false, reason: 'WRONG_PARTY', allowedBy: rule.by };
  if (from === 'COMPLETED' && to === 'DISPUTED') {
    const closedAt = new Date((context.completedAt ?? context.now).getTime() + DISPUTE_WINDOW_MS);
    if (context.now.getTime() > closedAt.getTime()) return { ok: false, reason: 'DISPUTE_WINDOW_CLOSED', closedAt };
  }
  return { ok: true };
}

/**
 * What the product's status must become with a trade transition: `from` is what it must be now
 * (the conditional update's guard, which is what makes two accepts race-safe), `to` what it becomes.
 */
export function productEffect(from: TradeStatus, to: TradeStatus): { from: ProductStatus; to: ProductStatus } | null {
  if (to === 'ACCEPTED') return { from: 'ON_SALE', to: 'RESERVED' };
  if (to === 'COMPLETED') return { from: 'RESERVED', to: 'SOLD' };
  if (to === 'CANCELLED' && from === 'ACCEPTED') return { from: 'RESERVED', to: 'ON_SALE' };
  return null;
}

/** Trades that still hold the product or can still take it: a buyer has one such trade per product. */
export const OPEN_STATUSES: readonly TradeStatus[] = ['REQUESTED', 'ACCEPTED'];
