// The demo plan's vocabulary: roles and the grade each should reach, what the plan holds, and the
// limits that keep each role in its grade. The plan is built in scripts/lib/seed-plan.ts.

export type Role = 'VERY_SAFE' | 'SAFE' | 'NORMAL' | 'BULK' | 'CAUTION' | 'FRAUD';
export type Grade = 'VERY_SAFE' | 'SAFE' | 'NORMAL' | 'CAUTION' | 'DANGER';
export type TradeStatus = 'REQUESTED' | 'ACCEPTED' | 'COMPLETED' | 'CANCELLED' | 'DISPUTED';
export type ReportStatus = 'RECEIVED' | 'IN_REVIEW' | 'ACTION_TAKEN' | 'DISMISSED';
export type ReportType = 'FRAUD' | 'NO_SHOW' | 'COUNTERFEIT' | 'ABUSIVE_LANGUAGE' | 'HARASSMENT' | 'OFF_PLATFORM_PAYMENT' | 'OTHER';

export const EXPECTED_GRADE: Record<Role, Grade> = {
  VERY_SAFE: 'VERY_SAFE',
  SAFE: 'SAFE',
  NORMAL: 'NORMAL',
  BULK: 'NORMAL',
  CAUTION: 'CAUTION',
  FRAUD: 'DANGER',
};

export interface PlannedUser {
  index: number;
  role: Role;
  email: string;
  nickname: string;
  phone: string | null;
  region: string;
  bio: string | null;
  verify: Array<'EMAIL' | 'SMS'>;
  protectedMode: boolean;
  /** Fraudsters only: the bank account they ask victims to pay into. */
  account?: string;
}

export interface PlannedProduct {
  index: number;
  seller: number;
  title: string;
  description: string;
  price: number;
  category: string;
  region: string;
}

export interface TradeStep {
  status: 'ACCEPTED' | 'COMPLETED' | 'CANCELLED' | 'DISPUTED';
  by: 'BUYER' | 'SELLER';
}

export interface PlannedRating {
  by: 'BUYER' | 'SELLER';
  stars: number;
  comment: string;
}

export interface PlannedTrade {
  index: number;
  product: number;
  buyer: number;
  seller: number;
  /** After startTransaction (REQUESTED), in order. */
  steps: TradeStep[];
  final: TradeStatus;
  ratings: PlannedRating[];
}

export interface PlannedReport {
  index: number;
  reporter: number;
  target: number;
  type: ReportType;
  description: string;
  product: number | null;
  trade: number | null;
  paymentAccount: string | null;
  outcome: ReportStatus;
  sanction: 'WARNING' | 'SUSPENSION' | 'BAN' | null;
  sanctionDays: number | null;
  resolution: string | null;
}

export interface PlannedMessage {
  by: 'BUYER' | 'SELLER';
  text: string;
}

/** A conversation a buyer opens about a listing (startConversation), and what the two write in it. */
export interface PlannedConversation {
  index: number;
  buyer: number;
  seller: number;
  product: number;
  /** Sent in order; the seed sends those the conversation does not hold yet (its idempotency key). */
  messages: PlannedMessage[];
  /** The screening findings the buyer's copy should carry (empty: honest small talk). */
  findings: Array<'PAYMENT_IDENTIFIER' | 'LOOKALIKE_LINK' | 'OFF_APP_CONTACT' | 'KNOWN_FRAUD_IDENTIFIER'>;
  /** 2: only after the accepted fraud reports taught chat their accounts (then masked). */
  phase: 1 | 2;
}

export interface SeedPlan {
  users: PlannedUser[];
  products: PlannedProduct[];
  trades: PlannedTrade[];
  reports: PlannedReport[];
  conversations: PlannedConversation[];
}

export interface PlanOptions {
  users: number;
  products: number;
  /** PRNG seed; the default gives the documented demo. */
  seed?: number;
}

export const MIN_USERS = 20;
/** Completed trades of a VERY_SAFE member (20 · (1 − e^(−1.2)) ≈ +14 points). */
export const VERY_SAFE_TRADES = 12;
/** Other members stay below VERY_SAFE: at most 4 completed trades (≈ +6.6 points). */
export const MAX_OTHER_COMPLETED = 4;
/** LISTING_BURST counts 5 listings in an hour; honest members list at most 4. */
export const HONEST_MAX_LISTINGS = 4;
export const BULK_MIN_LISTINGS = 6;
export const BULK_MAX_LISTINGS = 90;
export const FRAUD_LISTINGS_EACH = 3;

export const DEMO_EMAIL_DOMAIN = 'demo.anshim.kr';

/** A share of the members, never below `min`. */
export const scaledCount = (users: number, fraction: number, min: number) => Math.max(min, Math.round(users * fraction));

export const membersWith = (users: readonly PlannedUser[], role: Role) => users.filter((u) => u.role === role);
/** Members who may be made to buy: protected members ask for SAFE sellers only, so the seed never makes them buy. */
export const buyersWith = (users: readonly PlannedUser[], role: Role) => membersWith(users, role).filter((u) => !u.protectedMode);
