import { randomUUID, webcrypto } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { Identity, Role } from './identity.ts';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ISSUER = 'anshim';
const AUDIENCE = 'anshim-api';

export interface AccessClaims extends Identity {
  jti: string;
  /** Issued at, seconds since epoch: a token older than the user's revocation time is refused. */
  iat: number;
  /** Expiry, seconds since epoch: the blacklist keeps a revoked jti until then. */
  exp: number;
}

/**
 * The HMAC key of a secret, imported into WebCrypto once: handed raw bytes, jose imports them
 * again on every sign and verify, which was a visible share of the gateway's CPU when thousands
 * of graphql-ws clients connected. Verification itself (signature, issuer, audience, expiry) is
 * unchanged. A process has one or two secrets, so the map stays tiny.
 */
const keys = new Map<string, Promise<webcrypto.CryptoKey>>();
function keyOf(secret: string): Promise<webcrypto.CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = webcrypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    // A failed import is not cached (the next call tries again).
    key.catch(() => keys.delete(secret));
    keys.set(secret, key);
  }
  return key;
}

export async function signAccessToken(secret: string, identity: Identity, now = Date.now()): Promise<{ token: string; claims: AccessClaims }> {
  const jti = randomUUID();
  const iat = Math.floor(now / 1000);
  const exp = iat + ACCESS_TOKEN_TTL_SECONDS;
  const token = await new SignJWT({ role: identity.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(identity.userId)
    .setJti(jti)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(await keyOf(secret));
  return { token, claims: { ...identity, jti, iat, exp } };
}

export type AccessTokenCheck = { ok: true; claims: AccessClaims } | { ok: false; reason: 'expired' | 'invalid' };

/** Verifies signature, issuer, audience and expiry. Blacklisting is checked by the caller (Redis). */
export async function verifyAccessToken(secret: string, token: string): Promise<AccessTokenCheck> {
  try {
    const { payload } = await jwtVerify(token, await keyOf(secret), { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
    const role = payload.role as Role;
    if (!payload.sub || !payload.jti || !payload.exp || !payload.iat || (role !== 'USER' && role !== 'ADMIN')) return { ok: false, reason: 'invalid' };
    return { ok: true, claims: { userId: payload.sub, role, jti: payload.jti, iat: payload.iat, exp: payload.exp } };
  } catch (error) {
    return { ok: false, reason: error instanceof joseErrors.JWTExpired ? 'expired' : 'invalid' };
  }
}

/** Redis key of a revoked access token (logout); kept until the token would expire anyway. */
export function blacklistKey(jti: string): string {
  return `auth:blacklist:${jti}`;
}

/**
 * Redis key holding the time (ms) before which every access token of a user is void: set when the
 * account is suspended or banned, so tokens issued earlier stop working at once, not 15 min later.
 */
export function revokedBeforeKey(userId: string): string {
  return `auth:revoked-before:${userId}`;
}

/**
 * Why every token of a user issued before a time was revoked: an account sanction (the socket
 * closes with 4403) or an end of sessions (password change, "sign out everywhere": 4401).
 */
export type RevocationReason = 'SUSPENDED' | 'BANNED' | 'SESSIONS_REVOKED';

/** Redis key holding the RevocationReason next to revokedBeforeKey (same lifetime). */
export function revokedReasonKey(userId: string): string {
  return `auth:revoked-reason:${userId}`;
}

/**
 * The pub/sub channel (prefix it with channelName) on which the user service announces a
 * revocation, so gateways close the graphql-ws connections it ends within moments instead of
 * waiting for their next sweep of the Redis keys above.
 */
export const REVOCATION_CHANNEL = 'auth:revocations';

/** One revocation: a single access token (`jti`, e.g. logout) or all of a user's tokens issued at or before `before` (ms). */
export type RevocationNotice =
  | { userId: string; jti: string }
  | { userId: string; before: number; reason: RevocationReason };
