// The fraud-account registry's verdict on one bank account or phone number, from the reports that
// name it. Pure: the repository gathers the reports, this decides what may be said about them.
//
// Reports cannot be weaponised through it (docs/security/report-weighting.md):
// - CONFIRMED_FRAUD only from a report an admin accepted;
// - CAUTION only from pending reports of at least REPORT_WEIGHTING.registry.minReporters distinct
//   reporters who each verified their identity and traded with the account holder
//   (countsForRegistry in packages/contracts/src/reporter-trust.ts);
// - anything less is NO_RECORD with no counts and no date, for everyone including the holder, so a
//   single report from a fresh account changes nothing and tells the holder nothing.
import type { LocalizedText } from '@anshim/platform';
import { countsForRegistry, REPORT_WEIGHTING, type ReporterTrust } from '@anshim/contracts';
import { messages } from '../messages.ts';

export type FraudVerdict = 'NO_RECORD' | 'CAUTION' | 'CONFIRMED_FRAUD';

/** What the repository found for one lookup hash (dismissed reports are left out there). */
export interface IdentifierReports {
  confirmedReports: number;
  lastConfirmedAt: Date | null;
  pending: ReadonlyArray<{ reporterId: string; reporterTrust: ReporterTrust | null; filedAt: Date }>;
}

export interface RegistryAnswer {
  verdict: FraudVerdict;
  confirmedReports: number;
  /** Pending reports that count (credible reporters, at least the minimum); 0 otherwise. */
  pendingReports: number;
  /** The latest report that counts; null when none does. */
  lastReportedAt: Date | null;
  advice: LocalizedText;
}

export function registryAnswer(found: IdentifierReports): RegistryAnswer {
  const counted = found.pending.filter((report) => countsForRegistry(report.reporterTrust));
  const reporters = new Set(counted.map((report) => report.reporterId)).size;
  const pendingCount = reporters >= REPORT_WEIGHTING.registry.minReporters ? counted.length : 0;
  const times = [found.lastConfirmedAt, ...(pendingCount > 0 ? counted.map((report) => report.filedAt) : [])].filter((t): t is Date => t !== null);
  const lastReportedAt = times.length ? new Date(Math.max(...times.map((t) => t.getTime()))) : null;
  const advice = messages.fraudCheckAdvice;
  if (found.confirmedReports > 0) {
    return { verdict: 'CONFIRMED_FRAUD', confirmedReports: found.confirmedReports, pendingReports: pendingCount, lastReportedAt, advice: advice.CONFIRMED_FRAUD(found.confirmedReports) };
  }
  if (pendingCount > 0) {
    return { verdict: 'CAUTION', confirmedReports: 0, pendingReports: pendingCount, lastReportedAt, advice: advice.CAUTION(reporters) };
  }
  return { verdict: 'NO_RECORD', confirmedReports: 0, pendingReports: 0, lastReportedAt: null, advice: advice.NO_RECORD };
}
