// Who sees which part of a score (ARCHITECTURE §6 "Who sees what"). The member and ADMINs see every
// factor and every history entry as computed. Everyone else sees only public facts (verifications,
// profile, account age, trades and ratings, accepted reports, sanctions); whatever else moved the
// score (pending reports, monitor risk signals, open disputes, and any factor added later until it
// is listed here) is folded into one plain "recent activity is being reviewed" factor, so the score
// still moves for them without saying why. A list of PUBLIC codes rather than of private ones: a new
// factor stays private until someone decides otherwise. Pure: no I/O.
import type { Identity, LocalizedText } from '@anshim/platform';
import { messages } from '../messages.ts';
import type { Factor, ReportType, ScoreChangeRecord } from '../model.ts';

const ACCEPTED_REPORT_TYPES: readonly ReportType[] = ['FRAUD', 'NO_SHOW', 'COUNTERFEIT', 'ABUSIVE_LANGUAGE', 'HARASSMENT', 'OFF_PLATFORM_PAYMENT', 'OTHER'];

/** Factor codes (and history reason codes) that state public facts only. */
export const PUBLIC_FACTOR_CODES: ReadonlySet<string> = new Set([
  'BASE',
  'ID_CARD_VERIFIED',
  'PHONE_VERIFIED',
  'EMAIL_VERIFIED',
  'OAUTH_VERIFIED',
  'NOT_VERIFIED',
  'PROFILE_COMPLETE',
  'ACCOUNT_AGE',
  'NEW_ACCOUNT',
  'COMPLETED_TRADES',
  'CANCELLATIONS',
  // REPORT_<type> is only ever written for reports an admin accepted.
  ...ACCEPTED_REPORT_TYPES.map((type) => `REPORT_${type}`),
  'SUSPENSION_CAP',
  'BAN_CAP',
  'RANGE_LIMIT',
  // History reasons that are not factors.
  'FIRST_SCORE',
  'RECALCULATED',
  // Rows written before reason codes whose text named nothing private (the migration decided).
  'LEGACY',
]);

/**
 * Causes of a history entry that say nothing private by themselves. `report.filed`, the monitor's
 * events and disputes are not here; `report.processed` is public only when the entry's reason is an
 * accepted report (a dismissal would tell that a report had been pending).
 */
const PUBLIC_CAUSES: ReadonlySet<string> = new Set([
  'user.registered',
  'user.verified',
  'user.profile_updated',
  'user.status_changed',
  'transaction.completed',
  'transaction.cancelled',
  'transaction.rated',
  'report.sanction_applied',
  'report.sanction_ended',
  'admin.recalculate',
  'admin.rebuild',
  'batch.nightly',
  'schedule.expiry',
]);

export const UNDER_REVIEW_CODE = 'UNDER_REVIEW';
/** What others see in place of a hidden cause. */
export const UNDER_REVIEW_CAUSE = 'activity.review';
export const UNDER_REVIEW_TEXT: LocalizedText = messages.underReview;

const round1 = (n: number) => Math.round(n * 10) / 10;

/** The member themself and ADMINs see everything; anyone else (anonymous included) the public view. */
export function seesEverything(viewer: Identity | null, userId: string): boolean {
  return viewer !== null && (viewer.role === 'ADMIN' || viewer.userId === userId);
}

/**
 * Public factors unchanged and in order; every other factor summed into ONE under-review factor
 * placed where the first of them was. The sum of what is shown still equals the score.
 */
export function publicFactors(factors: readonly Factor[]): Factor[] {
  const shown: Factor[] = [];
  let folded: Factor | null = null;
  for (const factor of factors) {
    if (PUBLIC_FACTOR_CODES.has(factor.code)) {
      shown.push(factor);
      continue;
    }
    if (!folded) {
      folded = { code: UNDER_REVIEW_CODE, contribution: 0, description: UNDER_REVIEW_TEXT };
      shown.push(folded);
    }
    folded.contribution = round1(folded.contribution + factor.contribution);
  }
  return shown;
}

/** A history entry as others may see it: value, grade and delta stay; a private reason or cause does not. */
export function publicChange(change: ScoreChangeRecord): ScoreChangeRecord {
  const code = change.reasonCode;
  const publicReason = code !== null && PUBLIC_FACTOR_CODES.has(code);
  const publicCause = PUBLIC_CAUSES.has(change.cause) || (change.cause === 'report.processed' && code !== null && code.startsWith('REPORT_'));
  if (publicReason && publicCause) return change;
  return { ...change, reason: UNDER_REVIEW_TEXT, cause: UNDER_REVIEW_CAUSE, reasonCode: UNDER_REVIEW_CODE };
}
