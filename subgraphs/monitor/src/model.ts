// The monitor's vocabulary, shared by its domains (assessment, alerts), the rule engine, the copies
// and the events: risk levels and their order, safety grades as the monitor copies them, account
// statuses, risk actions, the references other subgraphs own, and what an id looks like.
import { BadInputError, isUuid } from '@anshim/platform';
import { messages } from './messages.ts';

export const RISK_LEVELS = ['NONE', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const SAFETY_GRADES = ['VERY_SAFE', 'SAFE', 'NORMAL', 'CAUTION', 'DANGER'] as const;
export type SafetyGrade = (typeof SAFETY_GRADES)[number];

/** A user's account as the user service last announced it (user.status_changed). */
export type AccountStatus = 'ACTIVE' | 'SUSPENDED' | 'BANNED';

export type RiskActionType = 'WARN_COUNTERPARTS' | 'REQUIRE_VERIFICATION' | 'HOLD_TRANSACTIONS' | 'RESTRICT_ACCOUNT' | 'CLEAR';

export function levelRank(level: RiskLevel): number {
  return RISK_LEVELS.indexOf(level);
}

export function gradeRank(grade: SafetyGrade): number {
  // VERY_SAFE = 4 … DANGER = 0: higher is safer.
  return SAFETY_GRADES.length - 1 - SAFETY_GRADES.indexOf(grade);
}

/** A reference to a user owned by the user subgraph. */
export interface UserRef {
  id: string;
}
/** A reference to a product owned by the transaction subgraph. */
export interface ProductRef {
  id: string;
}
export interface TransactionRef {
  id: string;
}

/** An id from a member's input, lowercased; refuses anything that is not a UUID. */
export function checkId(id: string | null | undefined): string | null {
  if (id == null) return null;
  if (!isUuid(id)) throw new BadInputError(messages.badId);
  return id.toLowerCase();
}
