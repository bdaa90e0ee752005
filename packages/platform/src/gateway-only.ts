// A subgraph's public port answers nothing but plain /healthz and /readyz without a valid
// signature (ARCHITECTURE §8): the gateway's (identity, anonymous included) everywhere, a
// service's under /internal/. Both are checked against this subgraph's own name, the method and
// path on the request line and a SHA-256 of the body bytes actually received — which is why the
// JSON and form bodies are read here, once, keeping their raw bytes.
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import express from 'express';
import type { SubgraphName } from '@anshim/contracts';
import { pick, localeFromHeader } from './i18n.ts';
import { NO_CLIENT, type ClientInfo } from './client-info.ts';
import { bodySha256, STREAMED_BODY, verifyIdentityHeaders, type Identity, type IdentityRefusal, type SignedTarget } from './identity.ts';
import { verifyServiceHeaders } from './internal.ts';
import type { Logger } from './logger.ts';

const RAW_BODY = Symbol('anshim.rawBody');
const VERIFIED = 'anshimVerified';

type WithRawBody = Request & { [RAW_BODY]?: Buffer };

/** The bytes a JSON or form body was parsed from (undefined: no body, or a streamed one). */
export function rawBodyOf(req: Request): Buffer | undefined {
  return (req as WithRawBody)[RAW_BODY];
}

const keepRaw = (req: Request, _res: Response, buffer: Buffer) => {
  (req as WithRawBody)[RAW_BODY] = buffer;
};

/**
 * A body already read and parsed elsewhere (the lean GraphQL path handing a request back): the
 * body parsers see a finished stream and skip it, and the signature check hashes these bytes.
 */
export function keepParsedBody(req: IncomingMessage, raw: Buffer, body: unknown): void {
  (req as WithRawBody)[RAW_BODY] = raw;
  (req as WithRawBody).body = body;
}

/** JSON and url-encoded bodies, parsed once with their raw bytes kept for the body hash. */
export function parseSignedBodies(limit: string | number = '1mb'): RequestHandler[] {
  return [express.json({ limit, verify: keepRaw }), express.urlencoded({ limit, extended: false, verify: keepRaw })];
}

/** The body hash the signature must carry for what this request actually sent. */
export function bodyHashOf(req: Request): string {
  const raw = rawBodyOf(req);
  if (raw) return bodySha256(raw);
  const length = Number(req.headers['content-length'] ?? 0);
  const hasBody = length > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) return bodySha256('');
  // Only uploads stream: every other body must be JSON or a form, hashed above.
  return req.method === 'PUT' ? STREAMED_BODY : 'unhashable-body';
}

export function signedTargetOf(req: Request, subgraph: string): SignedTarget {
  return { method: req.method, subgraph, path: req.originalUrl, bodySha256: bodyHashOf(req) };
}

export interface Verified {
  identity: Identity | null;
  /** What the gateway observed about the client (device id, address), signed with the identity. */
  client: ClientInfo;
  /** Set on /internal/* calls: the calling service. */
  service?: SubgraphName;
}

/** What requireSignature verified for this request (throws when it did not run). */
export function verifiedOf(res: Response): Verified {
  const verified = res.locals[VERIFIED] as Verified | undefined;
  if (!verified) throw new Error('requireSignature did not run for this request');
  return verified;
}

const refusal = { ko: '신원 정보를 확인할 수 없습니다.', en: 'The caller identity could not be verified.' };
export const UNSIGNED_REFUSED_LOG = 'refused an unsigned or badly signed request';

/** The 401 body: a coded GraphQL-style error in the caller's language. */
export function refusalBody(acceptLanguage: string | undefined, reason: IdentityRefusal | 'service') {
  return { errors: [{ message: pick(refusal, localeFromHeader(acceptLanguage)), extensions: { code: 'UNAUTHENTICATED', reason } }] };
}

function refuse(req: Request, res: Response, reason: IdentityRefusal | 'service'): void {
  req.resume();
  res.status(401).json(refusalBody(req.headers['accept-language'], reason));
}

/** Refuses (401) every request not signed for this subgraph, this method, path and body. */
export function requireSignature(options: { subgraph: string; internalSecret: string; logger: Logger }): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const target = signedTargetOf(req, options.subgraph);
    if (req.path.startsWith('/internal/')) {
      const service = verifyServiceHeaders(options.internalSecret, req.headers, target);
      if (!service) {
        options.logger.warn({ path: req.path }, 'refused an internal call without a valid service signature');
        return refuse(req, res, 'service');
      }
      res.locals[VERIFIED] = { identity: null, client: NO_CLIENT, service } satisfies Verified;
      return next();
    }
    const checked = verifyIdentityHeaders(options.internalSecret, req.headers, target);
    if (!checked.ok) {
      options.logger.warn({ path: req.path, method: req.method, reason: checked.reason }, UNSIGNED_REFUSED_LOG);
      return refuse(req, res, checked.reason);
    }
    res.locals[VERIFIED] = { identity: checked.identity, client: checked.client ?? NO_CLIENT } satisfies Verified;
    next();
  };
}
