// The HTTP side of the local driver: PUT and GET on signed URLs. Checks, in order: signature
// and expiry (403), declared content type (415), size (413), that the bytes are what the type
// says (415), and that the key is still free (409). Nothing is kept unless every check passed.
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Express, Request, Response } from 'express';
import { contentTypeOfKey, detectContentType, MAGIC_BYTES_NEEDED, normalizeContentType } from './magic-bytes.ts';
import type { LocalStorageDriver } from './local-driver.ts';

function refuse(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

/** The key below the route prefix (still percent-encoded in req.path). */
function keyFrom(req: Request, prefix: string): string {
  try {
    return decodeURIComponent(req.path.slice(prefix.length + 1));
  } catch {
    return '';
  }
}

export function mountLocalStorageRoutes(app: Express, driver: LocalStorageDriver): void {
  app.put(`${driver.routePrefix}/*path`, (req, res) => void handlePut(driver, req, res, keyFrom(req, driver.routePrefix)));
  app.get(`${driver.routePrefix}/*path`, (req, res) => void handleGet(driver, req, res, keyFrom(req, driver.routePrefix)));
}

async function handlePut(driver: LocalStorageDriver, req: Request, res: Response, key: string): Promise<void> {
  const checked = driver.verifyPut(key, req.query as Record<string, unknown>);
  if (!checked.ok) {
    req.resume();
    return refuse(res, 403, checked.reason === 'expired' ? 'URL_EXPIRED' : 'BAD_SIGNATURE', checked.reason === 'expired' ? 'The upload URL has expired; ask for a new one.' : 'The upload URL is not valid.');
  }
  const { params } = checked;
  if (normalizeContentType(req.headers['content-type']) !== params.contentType) {
    req.resume();
    return refuse(res, 415, 'WRONG_CONTENT_TYPE', `Send the file with Content-Type: ${params.contentType}.`);
  }
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > params.maxBytes) {
    req.resume();
    return refuse(res, 413, 'TOO_LARGE', `The file may be at most ${params.maxBytes} bytes.`);
  }

  const temp = driver.tempPathFor(key);
  await mkdir(dirname(temp), { recursive: true });
  const out = createWriteStream(temp);
  let received = 0;
  let head = Buffer.alloc(0);
  let failure: [number, string, string] | undefined;
  try {
    await new Promise<void>((done, fail) => {
      req.on('data', (chunk: Buffer) => {
        if (failure) return;
        received += chunk.length;
        if (received > params.maxBytes) {
          failure = [413, 'TOO_LARGE', `The file may be at most ${params.maxBytes} bytes.`];
          req.unpipe(out);
          req.resume();
          return done();
        }
        if (head.length < MAGIC_BYTES_NEEDED) head = Buffer.concat([head, chunk.subarray(0, MAGIC_BYTES_NEEDED)]);
        if (!out.write(chunk)) {
          req.pause();
          out.once('drain', () => req.resume());
        }
      });
      req.on('end', () => done());
      req.on('error', fail);
      out.on('error', fail);
    });
    await new Promise<void>((done, fail) => out.end((error?: Error | null) => (error ? fail(error) : done())));
    if (!failure && received === 0) failure = [400, 'EMPTY', 'The file is empty.'];
    if (!failure && (detectContentType(head) !== params.contentType || contentTypeOfKey(key) !== params.contentType)) {
      failure = [415, 'CONTENT_MISMATCH', `The file is not a ${params.contentType} file.`];
    }
    if (!failure && !(await driver.commit(temp, key))) failure = [409, 'ALREADY_UPLOADED', 'A file was already uploaded with this URL.'];
    if (failure) return refuse(res, ...failure);
    res.status(200).json({ key, size: received });
  } catch {
    if (!res.headersSent) refuse(res, 500, 'UPLOAD_FAILED', 'The upload failed; please try again.');
  } finally {
    await rm(temp, { force: true });
  }
}

async function handleGet(driver: LocalStorageDriver, req: Request, res: Response, key: string): Promise<void> {
  const checked = driver.verifyGet(key, req.query as Record<string, unknown>);
  if (!checked.ok) return refuse(res, 403, checked.reason === 'expired' ? 'URL_EXPIRED' : 'BAD_SIGNATURE', 'This link is not valid or has expired.');
  const stored = await driver.stat(key).catch(() => null);
  const contentType = contentTypeOfKey(key);
  if (!stored || !contentType) return refuse(res, 404, 'NOT_FOUND', 'No such file.');
  res.setHeader('content-type', contentType);
  res.setHeader('content-length', String(stored.size));
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('cache-control', driver.isPublic(key) ? 'public, max-age=86400, immutable' : 'private, no-store');
  if (contentType === 'application/pdf') res.setHeader('content-disposition', 'attachment');
  driver.openRead(key).on('error', () => res.destroy()).pipe(res);
}
