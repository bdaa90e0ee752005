// The gateway → subgraph trust boundary (ARCHITECTURE §8). The gateway signs EVERY subgraph
// request, anonymous ones too, over a version label, the HTTP method, the target subgraph, the
// path, a SHA-256 of the body, the identity (or `anonymous`), a timestamp and the request id. A
// subgraph verifies with its own name and the bytes it actually received, so a captured header
// set cannot be replayed against another subgraph, another route or with another body.
import { createHash, createHmac } from 'node:crypto';
import { CLIENT_HEADER, decodeClientInfo, encodeClientInfo, type ClientInfo } from './client-info.ts';
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
/** The identity header's value for a caller who is not signed in. */
export const ANONYMOUS = 'anonymous';
/** Body hash of a streamed upload (PUT only): its own signed URL binds key, type, size and expiry. */
export const STREAMED_BODY = 'STREAMED';
const LABEL = 'anshim-gateway-v2';

/** How old a signature may be: long enough for clock skew, short enough to make replay useless. */
export const IDENTITY_MAX_AGE_MS = 60_000;

/** What a signature is bound to besides the identity: which request, to which subgraph. */
export interface SignedTarget {
  /** HTTP method, or `WS` (graphql-ws connection) / `SUBSCRIBE` (one graphql-ws operation). */
  method: string;
  subgraph: string;
  /** Path and query exactly as on the request line. */
  path: string;
  /** bodySha256(body), or STREAMED_BODY. */
  bodySha256: string;
}

export function bodySha256(body: string | Uint8Array | undefined | null): string {
  return createHash('sha256').update(body ?? '').digest('base64url');
}

/** The body hash of one graphql-ws subscribe payload: its query and variables. */
export function subscribeSha256(query: string, variables: unknown): string {
  return bodySha256(`${query}\n${JSON.stringify(variables ?? {})}`);
}

/**
 * The HMAC of one signed request, for the gateway's identity here and for a service's (internal.ts):
 * `label` keeps one kind from passing as the other, `who` is the identity or the calling service.
 */
export function requestSignature(secret: string, label: string, target: SignedTarget, who: string, timestamp: string, requestId: string): string {
  return createHmac('sha256', secret)
    .update([label, target.method.toUpperCase(), target.subgraph, target.path, target.bodySha256, who, timestamp, requestId].join('\n'))
    .digest('base64url');
}

/** The header names one kind of signed request carries `who`, the time and the signature under. */
export interface SignedHeaderNames {
  who: string;
  timestamp: string;
  signature: string;
}

/** The headers of a signed request: who, now, the signature over them and the target, and the request id. */
export function signedRequestHeaders(
  secret: string,
  label: string,
  names: SignedHeaderNames,
  who: string,
  target: SignedTarget,
  requestId: string,
  now: number,
): Record<string, string> {
  const timestamp = String(now);
  return {
    [names.who]: who,
    [names.timestamp]: timestamp,
    [names.signature]: requestSignature(secret, label, target, who, timestamp, requestId),
    [REQUEST_ID_HEADER]: requestId,
  };
}

const IDENTITY_HEADERS: SignedHeaderNames = { who: IDENTITY_HEADER, timestamp: IDENTITY_TIMESTAMP_HEADER, signature: IDENTITY_SIGNATURE_HEADER };

/**
 * What the signature covers as "who": the identity, and after a newline the client info when the
 * request carries it (x-anshim-client), so neither can be added, dropped or changed on the way.
 */
function signedWho(user: string, client: string | undefined): string {
  return client === undefined ? user : `${user}\n${client}`;
}

/**
 * Headers the gateway (or a service acting for the system) attaches to a subgraph request;
 * `client` (device id, address) only from the gateway, which observed it.
 */
export function signIdentityHeaders(
  secret: string,
  identity: Identity | null,
  target: SignedTarget,
  requestId: string,
  now = Date.now(),
  client?: ClientInfo | null,
): Record<string, string> {
  const user = identity ? `${identity.userId};${identity.role}` : ANONYMOUS;
  const encoded = encodeClientInfo(client);
  const headers = signedRequestHeaders(secret, LABEL, IDENTITY_HEADERS, signedWho(user, encoded), target, requestId, now);
  headers[IDENTITY_HEADER] = user;
  if (encoded !== undefined) headers[CLIENT_HEADER] = encoded;
  return headers;
}

export type IdentityRefusal = 'unsigned' | 'stale' | 'forged' | 'malformed';
/** `client` is there only when the request carried signed client info. */
export type IdentityCheck = { ok: true; identity: Identity | null; client?: ClientInfo } | { ok: false; reason: IdentityRefusal };

type HeaderSource = Record<string, string | string[] | undefined> | { get(name: string): string | null | undefined };

function header(source: HeaderSource, name: string): string | undefined {
  const value = typeof (source as { get?: unknown }).get === 'function'
    ? (source as { get(name: string): string | null | undefined }).get(name)
    : (source as Record<string, string | string[] | undefined>)[name];
  if (Array.isArray(value)) return value[0];
  return value ?? undefined;
}

/**
 * Every request must carry a fresh signature made for this subgraph, this method and path and
 * these body bytes; `anonymous` is an identity like any other. Nothing signed is refused.
 */
export function verifyIdentityHeaders(secret: string, headers: HeaderSource, target: SignedTarget, now = Date.now()): IdentityCheck {
  const user = header(headers, IDENTITY_HEADER);
  const timestamp = header(headers, IDENTITY_TIMESTAMP_HEADER);
  const given = header(headers, IDENTITY_SIGNATURE_HEADER);
  if (!user || !timestamp || !given) return { ok: false, reason: 'unsigned' };
  const requestId = header(headers, REQUEST_ID_HEADER) ?? '';
  const client = header(headers, CLIENT_HEADER);
  if (!safeEqual(given, requestSignature(secret, LABEL, target, signedWho(user, client), timestamp, requestId))) return { ok: false, reason: 'forged' };
  const age = now - Number(timestamp);
  if (!/^\d{1,16}$/.test(timestamp) || !Number.isFinite(age) || Math.abs(age) > IDENTITY_MAX_AGE_MS) return { ok: false, reason: 'stale' };
  const signedClient = client === undefined ? {} : { client: decodeClientInfo(client) };
  if (user === ANONYMOUS) return { ok: true, identity: null, ...signedClient };
  const [userId, role] = user.split(';');
  if (!userId || (role !== 'USER' && role !== 'ADMIN')) return { ok: false, reason: 'malformed' };
  return { ok: true, identity: { userId, role }, ...signedClient };
}
