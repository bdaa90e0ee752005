// How much a report weighs, by who filed it: the one table the safety score (pending reports), the
// monitor (REPORT_BURST) and the report service (the fraud-account registry) all apply, so report
// bombing cannot work through any of them. ARCHITECTURE §6 "trust in reports"; the guarantees are
// written down in docs/security/report-weighting.md.
//
// The facts about a reporter are taken once, by the report service, when the report is filed (from
// copies it keeps of user.* and transaction.* events) and travel on report.filed, so no consumer
// asks another service about the reporter on its hot path.
//
// A reporter's weight, between `floor` and 1:
//
//   | fact about the reporter (at filing)                         | adds            |
//   |-------------------------------------------------------------|-----------------|
//   | any signed-in account (the floor)                           | 0.1             |
//   | email verified / social login linked                        | 0.05 each       |
//   | phone number verified (SMS)                                 | 0.2             |
//   | ID card checked                                             | 0.3             |
//   | account age, linear up to 180 days                          | up to 0.2       |
//   | a trade with the target that the target accepted (or later) | 0.5             |
//   | a conversation with the target (chat; not fed yet)          | 0.3             |
//
// Reports then add up per target (one weight per reporter: their strongest report):
// - a reporter of weight ≥ `credibleFrom` (0.5) counts with their weight;
// - every reporter below it counts too, but all of them together at most `lowTrustCap` (0.5),
//   so no number of throwaway accounts adds up to one credible reporter's worth;
// - safety: pending reports move the score only from a combined `pendingCountsFrom` (0.5);
// - monitor: REPORT_BURST (HIGH) needs a combined `burstFrom` (1.5) within its day window;
// - registry: CAUTION needs `registry.minReporters` (2) distinct reporters who each verified their
//   identity (phone or ID card) and traded with the account holder; accepted reports always count.
import { z } from 'zod';

export const VERIFICATION_METHODS = ['EMAIL', 'SMS', 'ID_CARD', 'OAUTH'] as const;
export type ReporterVerification = (typeof VERIFICATION_METHODS)[number];

/** What is known about a reporter when they filed: carried on report.filed and kept with the report. */
export const reporterTrustSchema = z.object({
  verifiedMethods: z.array(z.enum(VERIFICATION_METHODS)),
  accountAgeDays: z.int().min(0),
  /** A trade with the target that reached ACCEPTED (accepted, completed, disputed or cancelled after acceptance). */
  tradedWithTarget: z.boolean(),
  /** A conversation with the target. The chat subgraph does not exist yet: absent means no. */
  conversedWithTarget: z.boolean().optional(),
});
export type ReporterTrust = z.infer<typeof reporterTrustSchema>;

/** The table. Change it with evidence; every consumer picks the change up from here. */
export const REPORTER_TRUST = {
  floor: 0.1,
  verification: { EMAIL: 0.05, OAUTH: 0.05, SMS: 0.2, ID_CARD: 0.3 } satisfies Record<ReporterVerification, number>,
  accountAge: { max: 0.2, fullDays: 180 },
  tradedWithTarget: 0.5,
  conversedWithTarget: 0.3,
  max: 1,
} as const;

/** How reporters' weights combine, and the thresholds each consumer applies to the result. */
export const REPORT_WEIGHTING = {
  credibleFrom: 0.5,
  lowTrustCap: 0.5,
  /** Safety: pending reports count only from one credible reporter's worth. */
  pendingCountsFrom: 0.5,
  /** Monitor: REPORT_BURST from three credible reporters' worth within its window. */
  burstFrom: 1.5,
  registry: {
    minReporters: 2,
    /** Verifications that tie an account to a person: a free email address does not. */
    identityMethods: ['SMS', 'ID_CARD'] as readonly ReporterVerification[],
  },
} as const;

const round2 = (n: number) => Math.round(n * 100) / 100;

/** A reporter's weight; unknown facts (a report filed before they were recorded) weigh the floor. */
export function reporterWeight(trust: ReporterTrust | null | undefined): number {
  const t = REPORTER_TRUST;
  if (!trust) return t.floor;
  let weight = t.floor;
  for (const method of new Set(trust.verifiedMethods)) weight += t.verification[method];
  weight += (t.accountAge.max * Math.min(Math.max(trust.accountAgeDays, 0), t.accountAge.fullDays)) / t.accountAge.fullDays;
  if (trust.tradedWithTarget) weight += t.tradedWithTarget;
  if (trust.conversedWithTarget) weight += t.conversedWithTarget;
  return round2(Math.min(t.max, weight));
}

/**
 * The combined weight of reports against one target, given each report's reporter and weight: a
 * reporter counts once (their heaviest report), credible ones fully, the rest together at most
 * `lowTrustCap`.
 */
export function combinedReportWeight(reports: ReadonlyArray<{ reporterId: string; weight: number }>): number {
  const byReporter = new Map<string, number>();
  for (const { reporterId, weight } of reports) byReporter.set(reporterId, Math.max(weight, byReporter.get(reporterId) ?? 0));
  let credible = 0;
  let lowTrust = 0;
  for (const weight of byReporter.values()) {
    if (weight >= REPORT_WEIGHTING.credibleFrom) credible += weight;
    else lowTrust += weight;
  }
  return round2(credible + Math.min(REPORT_WEIGHTING.lowTrustCap, lowTrust));
}

/** Whether a pending report may count towards a CAUTION verdict of the fraud-account registry. */
export function countsForRegistry(trust: ReporterTrust | null | undefined): boolean {
  if (!trust?.tradedWithTarget) return false;
  return trust.verifiedMethods.some((method) => REPORT_WEIGHTING.registry.identityMethods.includes(method));
}
