// The transaction service's vocabulary, named once for every domain folder: trade and product
// statuses, the parties of a trade, account statuses as copied from the user service, safety grades
// as this service uses them (an order, for "at least SAFE" filters and protected mode, and the
// stand-in for sellers the safety service has not scored yet), and the references other subgraphs own.

export const TRADE_STATUSES = ['REQUESTED', 'ACCEPTED', 'COMPLETED', 'CANCELLED', 'DISPUTED'] as const;
export type TradeStatus = (typeof TRADE_STATUSES)[number];
export type PartyRole = 'BUYER' | 'SELLER';

export type ProductStatus = 'ON_SALE' | 'RESERVED' | 'SOLD' | 'HIDDEN';

/** A user's account as the user service last announced it (user.status_changed). */
export type AccountStatus = 'ACTIVE' | 'SUSPENDED' | 'BANNED';

export const SAFETY_GRADES = ['VERY_SAFE', 'SAFE', 'NORMAL', 'CAUTION', 'DANGER'] as const;
export type SafetyGrade = (typeof SAFETY_GRADES)[number];

/** ARCHITECTURE §1: a seller with no safety.score_changed yet counts as NORMAL (score 50). */
export const DEFAULT_GRADE: SafetyGrade = 'NORMAL';
export const DEFAULT_SCORE = 50;
/** A protected user who picked no minimum still wants protection (same rule as the user service). */
export const DEFAULT_PROTECTED_MIN_GRADE: SafetyGrade = 'NORMAL';

/** 0 = VERY_SAFE … 4 = DANGER: smaller is safer; stored on products for indexed filters. */
export function gradeRank(grade: SafetyGrade): number {
  return SAFETY_GRADES.indexOf(grade);
}

/** Whether `grade` is `minimum` or better. */
export function meetsMinimum(grade: SafetyGrade, minimum: SafetyGrade): boolean {
  return gradeRank(grade) <= gradeRank(minimum);
}

/** A user as this subgraph knows them: only the id (the user subgraph owns the rest). */
export interface UserRef {
  id: string;
}
