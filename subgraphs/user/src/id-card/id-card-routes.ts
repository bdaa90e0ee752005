// The HTTP side of ID card checks, under /auth/id-card (the gateway proxies /auth/*):
//   PUT /auth/id-card/upload/<checkId>?exp&sig  the user's photo (body = the file's bytes)
//   GET /auth/id-card/photo/<checkId>?exp&sig   an ADMIN's short-lived view, decrypted on the fly
// Refusals are JSON `{ error: { code, message } }` in the caller's language.
import type { Request, Response } from 'express';
import { localeFromHeader, pick, type Logger } from '@anshim/platform';
import { ID_CARD_POLICY, normalizeContentType } from '@anshim/platform/storage';
import { messages } from '../messages.ts';
import type { HttpApp } from '../model.ts';
import { IdCardUploadRefused, type IdCardService } from './id-card-service.ts';
import { ID_CARD_ROUTE, type IdCardUrls } from './id-card-urls.ts';

function refuse(req: Request, res: Response, status: number, code: keyof typeof messages.idCardUpload): void {
  res.status(status).json({ error: { code: code.toUpperCase(), message: pick(messages.idCardUpload[code], localeFromHeader(req.headers['accept-language'])) } });
}

/** The whole body, or null as soon as it is larger than `max` (the rest is drained, not kept). */
async function readBody(req: Request, max: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) tooLarge = true;
    if (!tooLarge) chunks.push(chunk);
  }
  return tooLarge ? null : Buffer.concat(chunks, size);
}

export function mountIdCardRoutes(app: HttpApp, deps: { service: IdCardService; urls: IdCardUrls; logger: Logger }): void {
  app.put(`${ID_CARD_ROUTE}/upload/:checkId`, async (req, res) => {
    const checkId = String(req.params.checkId);
    const signed = deps.urls.verify('upload', checkId, req.query as Record<string, unknown>);
    if (signed !== 'ok') {
      req.resume();
      return refuse(req, res, 403, signed === 'expired' ? 'expired' : 'invalid');
    }
    const declared = normalizeContentType(req.headers['content-type']);
    if (!(ID_CARD_POLICY.contentTypes as readonly string[]).includes(declared)) {
      req.resume();
      return refuse(req, res, 415, 'type');
    }
    if (Number(req.headers['content-length'] ?? 0) > ID_CARD_POLICY.maxBytes) {
      req.resume();
      return refuse(req, res, 413, 'tooLarge');
    }
    try {
      const body = await readBody(req, ID_CARD_POLICY.maxBytes);
      if (!body) return refuse(req, res, 413, 'tooLarge');
      const check = await deps.service.receivePhoto(checkId, declared, body);
      res.status(200).json({ id: check.id, status: check.status, message: pick(messages.idCardUpload.received, localeFromHeader(req.headers['accept-language'])) });
    } catch (error) {
      if (error instanceof IdCardUploadRefused) return refuse(req, res, error.status, error.code);
      deps.logger.error({ err: error, checkId }, 'ID card upload failed');
      if (!res.headersSent) refuse(req, res, 500, 'failed');
    }
  });

  app.get(`${ID_CARD_ROUTE}/photo/:checkId`, async (req, res) => {
    const checkId = String(req.params.checkId);
    const signed = deps.urls.verify('photo', checkId, req.query as Record<string, unknown>);
    if (signed !== 'ok') return refuse(req, res, 403, signed === 'expired' ? 'expired' : 'invalid');
    try {
      const photo = await deps.service.openPhoto(checkId);
      if (!photo) return res.status(404).json({ error: { code: 'NOT_FOUND', message: pick(messages.idCardCheckNotFound, localeFromHeader(req.headers['accept-language'])) } });
      res.setHeader('content-type', photo.contentType);
      res.setHeader('content-length', String(photo.bytes.length));
      res.setHeader('cache-control', 'private, no-store');
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('referrer-policy', 'no-referrer');
      res.end(photo.bytes);
    } catch (error) {
      deps.logger.error({ err: error, checkId }, 'could not open an ID card photo');
      if (!res.headersSent) refuse(req, res, 500, 'failed');
    }
  });
}
