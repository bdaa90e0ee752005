// The review workflow as a state machine: RECEIVED → IN_REVIEW → ACTION_TAKEN | DISMISSED.
// An admin may also decide a RECEIVED report directly. Closed reports never change again.
// Pure, so every transition is tested without a database.
import type { ReportDecision, ReportStatus, SanctionType } from '../model.ts';

export type Transition = { ok: true; to: ReportStatus } | { ok: false; reason: 'closed' | 'alreadyInReview' };

export function isClosed(status: ReportStatus): boolean {
  return status === 'ACTION_TAKEN' || status === 'DISMISSED';
}

/**
 * The admin queue's two orders, by the family of the status asked for: open reports (and all
 * statuses together) are worked most urgent first, then oldest first; decided reports are looked
 * back on, newest decision first. Both end with the id, so the order is total and a page continues
 * exactly after the previous page's last report (keyset paging, ReportRepository.queue).
 */
export type QueueOrder = 'URGENCY' | 'NEWEST_DECISION';

export function queueOrderFor(status: ReportStatus | null): QueueOrder {
  return status && isClosed(status) ? 'NEWEST_DECISION' : 'URGENCY';
}

export function startReview(from: ReportStatus): Transition {
  if (isClosed(from)) return { ok: false, reason: 'closed' };
  if (from === 'IN_REVIEW') return { ok: false, reason: 'alreadyInReview' };
  return { ok: true, to: 'IN_REVIEW' };
}

export function decide(from: ReportStatus, decision: ReportDecision): Transition {
  if (isClosed(from)) return { ok: false, reason: 'closed' };
  return { ok: true, to: decision === 'ACCEPT' ? 'ACTION_TAKEN' : 'DISMISSED' };
}

/** How long a WARNING counts as the user's active sanction. */
export const WARNING_ACTIVE_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface SanctionPlan {
  type: SanctionType;
  startsAt: Date;
  /** SUSPENSION: when it ends by itself; BAN: never (null); WARNING: null (counts WARNING_ACTIVE_DAYS). */
  endsAt: Date | null;
}

export function planSanction(type: SanctionType, days: number | null | undefined, now: Date): SanctionPlan {
  if (type === 'SUSPENSION') {
    if (!days) throw new Error('a suspension needs days');
    return { type, startsAt: now, endsAt: new Date(now.getTime() + days * DAY_MS) };
  }
  return { type, startsAt: now, endsAt: null };
}

/** Whether a sanction is in force at `now`. */
export function isActive(s: { type: SanctionType; startsAt: Date; endsAt: Date | null; endedAt?: Date | null }, now: Date): boolean {
  if (s.startsAt.getTime() > now.getTime()) return false;
  if (s.type === 'BAN') return true;
  if (s.type === 'WARNING') return now.getTime() - s.startsAt.getTime() < WARNING_ACTIVE_DAYS * DAY_MS;
  if (s.endedAt) return false;
  return s.endsAt !== null && s.endsAt.getTime() > now.getTime();
}

/** Strongest first: the sanction shown as `activeSanction` when several are in force. */
export function severity(type: SanctionType): number {
  return type === 'BAN' ? 3 : type === 'SUSPENSION' ? 2 : 1;
}

export const PUBLIC_REASON_MAX_CHARS = 500;
export type PublicReason = { ok: true; value: string | null } | { ok: false; reason: 'onlyWithSanction' | 'tooLong' | 'control' };

/**
 * The reason everyone sees next to a sanction: trimmed, "" or absent means the standard sentence;
 * only together with a sanction; no control or bidi characters (they disguise text in lists).
 */
export function publicReason(text: string | null | undefined, sanction: SanctionType | null): PublicReason {
  const trimmed = text?.trim() ?? '';
  if (!trimmed) return { ok: true, value: null };
  if (!sanction) return { ok: false, reason: 'onlyWithSanction' };
  if ([...trimmed].length > PUBLIC_REASON_MAX_CHARS) return { ok: false, reason: 'tooLong' };
  if (/[\p{Cc}\u202A-\u202E\u2066-\u2069]/u.test(trimmed)) return { ok: false, reason: 'control' };
  return { ok: true, value: trimmed };
}
