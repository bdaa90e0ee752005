// The safety service's vocabulary, named once for every domain folder: a stored score and a history
// entry as the API, the cache, the workers and the resolvers pass them around, and the entity
// references codegen maps to. Grades, factors, badges and input kinds are defined by the score model
// itself (score/safety-score.ts, pure, no I/O) and re-exported here so the rest names them from one place.
import type { LocalizedText } from '@anshim/platform';
import type { Factor, SafetyGrade } from './score/safety-score.ts';

export { SAFETY_GRADES } from './score/safety-score.ts';
export type {
  AccountStatus,
  BadgeCode,
  Factor,
  ReportInput,
  ReportState,
  ReportType,
  RiskLevel,
  RiskSignalInput,
  SafetyGrade,
  SanctionInput,
  SanctionType,
  ScoreInputs,
  VerificationMethod,
} from './score/safety-score.ts';

/** A user's current score as stored (safety_scores) and cached. */
export interface ScoreRecord {
  userId: string;
  value: number;
  grade: SafetyGrade;
  factors: Factor[];
  badges: string[];
  ruleVersion: string;
  version: number;
  updatedAt: Date;
}

/** One entry of a score's history (safety_score_changes). */
export interface ScoreChangeRecord {
  userId: string;
  value: number;
  grade: SafetyGrade;
  delta: number;
  reason: LocalizedText;
  /** The factor code the reason speaks for (FIRST_SCORE, RECALCULATED otherwise); null on rows older than the column. */
  reasonCode: string | null;
  cause: string;
  at: Date;
}

/** Listing-level hints shown with a seller's display on a listing. */
export type HintCode = 'NEW_SELLER' | 'UNVERIFIED_SELLER' | 'PRICE_FAR_BELOW' | 'STEEP_PRICE_CUT' | 'SELLER_UNKNOWN' | 'MEET_AT_SAFE_ZONE';

/** Entity references resolved by this subgraph (codegen mappers). */
export interface UserRef {
  id: string;
}
export interface ProductRef {
  id: string;
}
/** The dashboard's fields are resolved lazily, each with its own query. */
export type DashboardRef = Record<string, never>;
