// The internal reads between services: what a caller sends to another service's /internal/<route>
// and what it answers. Only the contract lives here; signing, mounting and calling the routes is the
// platform's (packages/platform/src/internal.ts).
// ARCHITECTURE §1: to repair or backfill a copy (safety's rebuild, a copy that does not know an id yet),
// and where a safety setting must not lag (protection when a trade starts; see docs/security.md).
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

// ---- Read-your-writes (issue 18 point 5): a copy that does not know a user, product or trade yet
// (its event still on the way), or a decision that must not lag behind the member's own action
// (protection settings when a trade starts), asks the owner. Small answers, one round trip.

export const USER_FACTS_ROUTE = 'user-facts';
/** A trade starts between two people; a report names one: a few ids per call. */
export const USER_FACTS_MAX_USERS = 10;

export function parseUserFactsRequest(body: unknown): string[] {
  const ids = (body as { userIds?: unknown } | null)?.userIds;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > USER_FACTS_MAX_USERS || !ids.every((id) => typeof id === 'string' && UUID.test(id))) {
    throw new Error(`userIds must be 1 to ${USER_FACTS_MAX_USERS} UUIDs`);
  }
  return [...new Set(ids.map((id: string) => id.toLowerCase()))];
}

export type FactsGrade = 'VERY_SAFE' | 'SAFE' | 'NORMAL' | 'CAUTION' | 'DANGER';

/** user: what the owner knows right now; users it does not know are absent from `users`. */
export interface UserFactsAnswer {
  users: Array<{
    userId: string;
    /** The effective status (a suspension that ended reads ACTIVE). */
    status: 'ACTIVE' | 'SUSPENDED' | 'BANNED';
    statusUntil: string | null;
    protectedMode: boolean;
    minCounterpartGrade: FactsGrade | null;
    protectChats: boolean;
    registeredAt: string;
    /**
     * Confirmed guardians the member asked to approve large or risky safe payments (ids, oldest
     * first); payment reads it when a payment starts (issue 19 point 4). Optional: older owners omit it.
     */
    paymentApprovingGuardianIds?: string[];
  }>;
}

export const TRADE_FACTS_ROUTE = 'trade-facts';

export interface TradeFactsRequest {
  productId?: string;
  transactionId?: string;
}

export function parseTradeFactsRequest(body: unknown): TradeFactsRequest {
  const { productId, transactionId } = (body ?? {}) as { productId?: unknown; transactionId?: unknown };
  const ok = (v: unknown) => v === undefined || (typeof v === 'string' && UUID.test(v));
  if (!ok(productId) || !ok(transactionId) || (productId === undefined && transactionId === undefined)) {
    throw new Error('productId and/or transactionId must be UUIDs (at least one)');
  }
  return { productId: (productId as string | undefined)?.toLowerCase(), transactionId: (transactionId as string | undefined)?.toLowerCase() };
}

/** The listing states transaction knows (product.status_changed carries the same). */
export type FactsProductStatus = 'ON_SALE' | 'RESERVED' | 'SOLD' | 'HIDDEN';

/**
 * transaction: a product's seller and a trade's parties; null when it does not know them.
 * A product's `status` (chat refuses sold and hidden listings) and `statusAt`, a time no earlier than
 * its last status change and no later than this answer (the product row's updated_at): a copy
 * stores it as the status's time, so a product.status_changed older than the answer changes nothing.
 */
export interface TradeFactsAnswer {
  product: { productId: string; sellerId: string; status: FactsProductStatus; statusAt: string } | null;
  transaction: { transactionId: string; productId: string; buyerId: string; sellerId: string; acceptedAt: string | null } | null;
}
