// The internal reads between services: what a caller sends to another service's /internal/<route>
// and what it answers. Only the contract lives here; signing, mounting and calling the routes is the
// platform's (packages/platform/src/internal.ts).
// ARCHITECTURE §1: only to repair or backfill a copy (safety's rebuild), never on a request path.
import type { ReporterTrust } from './reporter-trust.ts';

// ---- safety-inputs: what each owning service tells safety's rebuild about a set of users.
// The same facts its events carried, read back from the owner's own tables (times as ISO strings).
export const SAFETY_INPUTS_ROUTE = 'safety-inputs';
export const SAFETY_INPUTS_MAX_USERS = 500;

/** The same test as the platform's isUuid (kit/authorization.ts); contracts import nothing of ours. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseUserIds(body: unknown): string[] {
  const ids = (body as { userIds?: unknown } | null)?.userIds;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > SAFETY_INPUTS_MAX_USERS || !ids.every((id) => typeof id === 'string' && UUID.test(id))) {
    throw new Error(`userIds must be 1 to ${SAFETY_INPUTS_MAX_USERS} UUIDs`);
  }
  return [...new Set(ids.map((id: string) => id.toLowerCase()))];
}

/** transaction: trades that ended (as either party), ratings received, listings. */
export interface TradeInputsAnswer {
  trades: Array<{ transactionId: string; buyerId: string; sellerId: string; outcome: 'COMPLETED' | 'CANCELLED' | 'DISPUTED'; by: string; at: string }>;
  ratings: Array<{ transactionId: string; raterId: string; rateeId: string; rateeRole: 'SELLER' | 'BUYER'; stars: number; at: string }>;
  products: Array<{ productId: string; sellerId: string; category: string; price: number; createdAt: string }>;
}

/** report: reports against the users (decided or not) and their sanctions. */
export interface ReportInputsAnswer {
  /** `reporter`: what report.filed carried about the reporter (reporter-trust.ts); null for reports filed before it existed. */
  reports: Array<{ reportId: string; targetUserId: string; reporterId: string; type: string; state: 'PENDING' | 'ACCEPTED' | 'DISMISSED'; filedAt: string; decidedAt: string | null; reporter?: ReporterTrust | null }>;
  sanctions: Array<{ reportId: string; userId: string; type: string; startsAt: string; endsAt: string | null; endedAt: string | null }>;
}

/** monitor: signals still standing (as monitor.risk_detected reported them) and the last clearance. */
export interface RiskInputsAnswer {
  users: Array<{
    userId: string;
    riskClearedAt: string | null;
    signals: Array<{ alertId: string; level: 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL'; rule: string; detectedAt: string; expiresAt: string | null }>;
  }>;
}
