// The vocabulary of screening: what a finding is, its codes and levels, and how masked text looks.
// Kept apart from screen.ts so the detectors (identifiers, links, off-app) and the orchestrator
// share it without importing each other.

/** The monitor's RiskLevel values (subgraphs/monitor/schema.graphql) that screening can give. */
export type ScreeningLevel = 'MEDIUM' | 'HIGH' | 'CRITICAL';

/**
 * Every code a finding can carry. The chat service turns each into the recipient's plain
 * Korean/English warning, so a test there can check that none is left without a message.
 */
export const FINDING_CODES = ['PAYMENT_IDENTIFIER', 'KNOWN_FRAUD_IDENTIFIER', 'LOOKALIKE_LINK', 'OFF_APP_CONTACT'] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

/** Where in the screened message (UTF-16 offsets into `input.text`, end exclusive). */
export interface Span {
  start: number;
  end: number;
}

export interface Finding {
  code: FindingCode;
  level: ScreeningLevel;
  /** Absent when the finding is about the message as a whole (e.g. an off-app request). */
  span?: Span;
}

/** What replaces a masked identifier or link in the delivered text: language-neutral on purpose. */
export const MASK = '▒▒▒';

/** The only data the screening needs from the registry: is this canonical identifier a confirmed fraud one? */
export type KnownFraudLookup = (kind: 'BANK_ACCOUNT' | 'PHONE', hashInput: string) => boolean;

const LEVEL_RANK: Record<ScreeningLevel, number> = { MEDIUM: 1, HIGH: 2, CRITICAL: 3 };

export function levelRank(level: ScreeningLevel): number {
  return LEVEL_RANK[level];
}
