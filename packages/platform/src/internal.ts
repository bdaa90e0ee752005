// Service-to-service reads that are not part of the public API: a small JSON endpoint on the
// subgraph's port under /internal/, which the gateway never routes to, guarded by a service
// identity signed with INTERNAL_SECRET. Like the gateway's signature (identity.ts) it covers the
// method, the target subgraph, the path and a hash of the body besides the caller's name, a time
// and the request id, under its own label, so neither kind can pass as the other or be replayed
// elsewhere. requireSignature (gateway-only.ts) verifies it before the route runs.
// ARCHITECTURE §1: to repair or backfill a copy (safety's rebuild, a copy that does not know an id
// yet: internal-reader.ts), and where a safety setting must not lag (docs/security/).
// What each route takes and answers is a contract between two services: @anshim/contracts
// (internal-reads.ts); this file is only the machinery.
import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import { SUBGRAPHS, type SubgraphName } from '@anshim/contracts';
import { safeEqual } from './crypto.ts';
import {
  bodySha256,
  IDENTITY_MAX_AGE_MS,
  REQUEST_ID_HEADER,
  requestSignature,
  signedRequestHeaders,
  type SignedHeaderNames,
  type SignedTarget,
} from './identity.ts';
import type { Logger } from './logger.ts';

export const SERVICE_HEADER = 'x-anshim-service';
export const SERVICE_TIMESTAMP_HEADER = 'x-anshim-service-timestamp';
export const SERVICE_SIGNATURE_HEADER = 'x-anshim-service-signature';
const LABEL = 'anshim-service-v2';

const SERVICE_HEADERS: SignedHeaderNames = { who: SERVICE_HEADER, timestamp: SERVICE_TIMESTAMP_HEADER, signature: SERVICE_SIGNATURE_HEADER };

export function signServiceHeaders(secret: string, service: SubgraphName, target: SignedTarget, requestId: string, now = Date.now()): Record<string, string> {
  return signedRequestHeaders(secret, LABEL, SERVICE_HEADERS, service, target, requestId, now);
}

/** The calling service, or null when the headers are missing, forged, stale, made for another request or name no service. */
export function verifyServiceHeaders(secret: string, headers: Record<string, string | string[] | undefined>, target: SignedTarget, now = Date.now()): SubgraphName | null {
  const one = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const service = one(SERVICE_HEADER);
  const timestamp = one(SERVICE_TIMESTAMP_HEADER);
  const given = one(SERVICE_SIGNATURE_HEADER);
  if (!service || !timestamp || !given) return null;
  if (!safeEqual(given, requestSignature(secret, LABEL, target, service, timestamp, one(REQUEST_ID_HEADER) ?? ''))) return null;
  const age = now - Number(timestamp);
  if (!Number.isFinite(age) || Math.abs(age) > IDENTITY_MAX_AGE_MS) return null;
  return SUBGRAPHS.some((s) => s.name === service) ? (service as SubgraphName) : null;
}

export interface InternalRouteOptions<B> {
  logger: Logger;
  /** Services allowed to call it. */
  callers: readonly SubgraphName[];
  /** Validates the body; throws (any error) when it is not acceptable → 400. */
  parse: (body: unknown) => B;
  handle: (body: B, caller: SubgraphName) => Promise<unknown>;
}

/**
 * Mounts POST /internal/<name> behind requireSignature (401 without a valid service signature
 * for this subgraph, path and body); 403 for services not among `callers`.
 */
export function mountInternalRoute<B>(app: Express, name: string, options: InternalRouteOptions<B>): void {
  app.post(`/internal/${name}`, async (req, res) => {
    const caller = (res.locals.anshimVerified as { service?: SubgraphName } | undefined)?.service;
    if (!caller) {
      res.status(401).json({ errors: [{ message: 'The calling service could not be verified.', extensions: { code: 'UNAUTHENTICATED' } }] });
      return;
    }
    if (!options.callers.includes(caller)) {
      res.status(403).json({ error: 'FORBIDDEN' });
      return;
    }
    let body: B;
    try {
      body = options.parse(req.body);
    } catch (error) {
      res.status(400).json({ error: 'BAD_REQUEST', message: (error as Error).message });
      return;
    }
    try {
      res.json(await options.handle(body, caller));
    } catch (error) {
      options.logger.error({ err: error, route: name, caller }, 'internal call failed');
      res.status(500).json({ error: 'INTERNAL_SERVER_ERROR' });
    }
  });
}

/** The owner answered, but not with 2xx (401 forged or misconfigured secret, 403 not a caller, 400, 500). */
export class InternalCallError extends Error {
  constructor(readonly url: string, readonly status: number, body: string) {
    super(`${url} answered ${status}: ${body}`);
    this.name = 'InternalCallError';
  }
}

/** Calls `target`'s internal route as `caller`; throws with the status on any failure. */
export async function callInternal<T>(
  baseUrl: string,
  name: string,
  route: { caller: SubgraphName; target: SubgraphName },
  internalSecret: string,
  body: unknown,
  timeoutMs = 15_000,
): Promise<T> {
  const url = new URL(`/internal/${name}`, baseUrl);
  const payload = JSON.stringify(body);
  const signed: SignedTarget = { method: 'POST', subgraph: route.target, path: url.pathname, bodySha256: bodySha256(payload) };
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signServiceHeaders(internalSecret, route.caller, signed, randomUUID()) },
    body: payload,
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) throw new InternalCallError(url.href, response.status, (await response.text()).slice(0, 300));
  return (await response.json()) as T;
}
