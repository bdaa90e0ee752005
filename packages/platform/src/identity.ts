import { createHmac } from 'node:crypto';
import { safeEqual } from './crypto.ts';

export type Role = 'USER' | 'ADMIN';
export interface Identity {
  userId: string;
  role: Role;
}

export const IDENTITY_HEADER = 'x-anshim-user';
export const IDENTITY_TIMESTAMP_HEADER = 'x-anshim-timestamp';
export const IDENTITY_SIGNATURE_HEADER = 'x-anshim-signature';
export const REQUEST_ID_HEADER = 'x-request-id';

/** How old a signed identity may be: long enough for clock skew, short enough to make replay useless. */
export const IDENTITY_MAX_AGE_MS = 60_000;

function signature(secret: string, user: string, timestamp: string, requestId: string): string {
  return createHmac('sha256', secret).update(`${user}\n${timestamp}\n${requestId}`).digest('base64url');
}

/** Headers the gateway attaches to every subgraph request for a signed-in caller. */
export function signIdentityHeaders(
  secret: string,
  identity: Identity,
  requestId: string,
  now = Date.now(),
): Record<string, string> {
  const user = `${identity.userId};${identity.role}`;
  const timestamp = String(now);
  return {
    [IDENTITY_HEADER]: user,
    [IDENTITY_TIMESTAMP_HEADER]: timestamp,
    [IDENTITY_SIGNATURE_HEADER]: signature(secret, user, timestamp, requestId),
    [REQUEST_ID_HEADER]: requestId,
  };
}

export type IdentityCheck =
  | { ok: true; identity: Identity | null }
  | { ok: false; reason: 'unsigned' | 'stale' | 'forged' | 'malformed' };

type HeaderSource = Record<string, string | string[] | undefined> | { get(name: string): string | null | undefined };

function header(source: HeaderSource, name: string): string | undefined {
  const value = typeof (source as { get?: unknown }).get === 'function'
    ? (source as { get(name: string): string | null | undefined }).get(name)
    : (source as Record<string, string | string[] | undefined>)[name];
  if (Array.isArray(value)) return value[0];
  return value ?? undefined;
}

/**
 * A request without identity headers is anonymous; one that claims an identity must carry a
 * fresh, valid signature over it and the request id, or it is refused.
 */
export function verifyIdentityHeaders(secret: string, headers: HeaderSource, now = Date.now()): IdentityCheck {
  const user = header(headers, IDENTITY_HEADER);
  const timestamp = header(headers, IDENTITY_TIMESTAMP_HEADER);
  const given = header(headers, IDENTITY_SIGNATURE_HEADER);
  if (!user && !given) return { ok: true, identity: null };
  if (!user || !timestamp || !given) return { ok: false, reason: 'unsigned' };
  const requestId = header(headers, REQUEST_ID_HEADER) ?? '';
  if (!safeEqual(given, signature(secret, user, timestamp, requestId))) return { ok: false, reason: 'forged' };
  const age = now - Number(timestamp);
  if (!Number.isFinite(age) || Math.abs(age) > IDENTITY_MAX_AGE_MS) return { ok: false, reason: 'stale' };
  const [userId, role] = user.split(';');
  if (!userId || (role !== 'USER' && role !== 'ADMIN')) return { ok: false, reason: 'malformed' };
  return { ok: true, identity: { userId, role } };
}
