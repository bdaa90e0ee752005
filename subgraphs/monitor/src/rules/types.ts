// The rule engine's vocabulary. A rule is data (code, level, message, how long its signal counts,
// who is warned) plus one small pure function over facts gathered beforehand (copies fed by
// events, Redis sliding-window counts). Rules never do I/O.
import type { LocalizedText } from '@anshim/platform';
import type { LinkKind } from '../clusters/cluster-limits.ts';
import type { RiskLevel, SafetyGrade } from '../model.ts';

export type ActivityType =
  | 'CHAT_MESSAGE'
  | 'LOGIN'
  | 'LISTING_CREATED'
  | 'PRICE_CHANGED'
  | 'PAYMENT_REQUEST'
  | 'PROFILE_CHANGED'
  | 'REPORT_FILED'
  | 'ACCOUNT_LINKED'
  /** payment.disputed, the seller's side (the subject is the seller, the buyer disputed). */
  | 'PAYMENT_DISPUTED'
  /** payment.failed, the buyer's side. */
  | 'PAYMENT_FAILED';

/** Activity only other services' events describe: recordActivity never accepts these. */
export type ObservedOnlyActivity = 'REPORT_FILED' | 'PAYMENT_DISPUTED' | 'PAYMENT_FAILED';

/** One thing a user did (recordActivity) or that happened to them (events of other services). */
export interface ActivityFacts {
  type: ActivityType;
  userId: string;
  counterpartId?: string | null;
  productId?: string | null;
  transactionId?: string | null;
  text?: string | null;
  deviceId?: string | null;
  /** Whole won (a listing's price, a payment request's amount). */
  amount?: number | null;
  at: Date;
  /**
   * False when the counterpart never had a conversation or trade with the subject (the monitor's
   * contacts copy): the counterpart is then not warned. Events name real counterparts (unset).
   */
  counterpartDealt?: boolean;
}

/** What the engine knows besides the activity; every field is optional (unknown = no match). */
export interface RuleFacts {
  activity: ActivityFacts;
  /** From user.registered. */
  subjectRegisteredAt?: Date | null;
  /** From safety.score_changed. */
  subjectGrade?: SafetyGrade | null;
  counterpart?: { protectedMode: boolean; minCounterpartGrade: SafetyGrade | null } | null;
  /** Median price of the listing's category (enough samples only). */
  categoryMedianPrice?: number | null;
  /** Sliding windows, counted including this activity. */
  listingsInWindow?: number;
  accountsOnDevice?: number;
  /** Combined weight of the reports against the subject in REPORT_BURST's window (reporter-trust.ts). */
  reportWeightInWindow?: number;
  /** The chat service's screening findings for a message (chat.message_screened): codes such as PAYMENT_IDENTIFIER. */
  screeningFindings?: readonly string[];
  /** How many account/phone numbers in the activity's text are in the confirmed-fraud copy. */
  knownFraudIdentifiers?: number;
  /** clusters/: how the subject is linked to a banned or confirmed fraud account (set only by the cluster checks). */
  accountLink?: { kinds: LinkKind[]; hops: number; toBannedAccount: boolean };
  /** behaviour-change.ts: the subject's recent cheap high-value listings and off-app requests, and whether this activity is one. */
  behaviour?: { cheapHighValueListings: number; offAppRequests: number; thisActivityCounts: boolean };
  /**
   * safe-payment.ts: a safe payment was started, before this message, for a trade in which the
   * sender is the seller and the recipient the buyer (on the message's listing when it names one).
   */
  safePayment?: { transactionId: string; productId: string | null } | null;
  /** Distinct buyers who disputed the subject's safe payments in REPEATED_DISPUTES' window. */
  disputingBuyersInWindow?: number;
  /** The subject's failed payments (not the provider's fault) in PAYMENT_FAILURE_BURST's window. */
  failedPaymentsInWindow?: number;
  /** Domains links may point to (own domains; subdomains count). */
  allowedDomains: readonly string[];
}

export type Recipients = 'counterpart' | 'none';

export interface Rule {
  code: string;
  level: Exclude<RiskLevel, 'NONE'>;
  /** Plain words for the person being warned (a buyer, or an admin). */
  message: LocalizedText;
  /** The short warning shown on the product to buyers, when the rule is about a listing. */
  productWarning?: LocalizedText;
  /** How long a match counts towards the user's level unless renewed. */
  signalHours: number;
  recipients: Recipients;
  /**
   * Rules that say less about the same activity: when this rule matches they are dropped, so one
   * piece of evidence raises one alert and is never counted twice towards CRITICAL.
   */
  supersedes?: readonly string[];
  matches(facts: RuleFacts): boolean;
}
