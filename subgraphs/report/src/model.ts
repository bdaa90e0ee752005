// The report service's vocabulary, named once for every domain folder, the copies and the events:
// what a report can be about, how urgent it is, where it stands in the review, what an admin
// decides and which sanctions exist, how a stored reporter's trust is read back, and the references
// other subgraphs own.
import { reporterTrustSchema, type ReporterTrust } from '@anshim/contracts';

export const REPORT_TYPES = ['FRAUD', 'NO_SHOW', 'COUNTERFEIT', 'ABUSIVE_LANGUAGE', 'HARASSMENT', 'OFF_PLATFORM_PAYMENT', 'OTHER'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];
/** Most urgent first: the queue's order (and the database enum's). */
export const REPORT_PRIORITIES = ['URGENT', 'HIGH', 'NORMAL'] as const;
export type ReportPriority = (typeof REPORT_PRIORITIES)[number];

/** MEMBER: filed with fileReport; PAYMENT_DISPUTE: opened by payment.disputed (inbound/consumers.ts). */
export type ReportOrigin = 'MEMBER' | 'PAYMENT_DISPUTE';

export const REPORT_STATUSES = ['RECEIVED', 'IN_REVIEW', 'ACTION_TAKEN', 'DISMISSED'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];
export type ReportDecision = 'ACCEPT' | 'DISMISS';
export type SanctionType = 'WARNING' | 'SUSPENSION' | 'BAN';

/** A reference to a user owned by the user subgraph. */
export interface UserRef {
  id: string;
}

/** A stored trust blob (reporter-trust.ts), checked on the way out: a malformed one weighs the floor. */
export function storedTrust(value: unknown): ReporterTrust | null {
  const parsed = reporterTrustSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
