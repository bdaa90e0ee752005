// The local driver and its signed-URL route over real HTTP: every check of the PUT (signature,
// expiry, content type, size, magic bytes, no overwrite) and the GET (public vs signed), plus
// the Uploads flow on top (ticket, verify, thumbnail) as product images and evidence use it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EVIDENCE_POLICY,
  LocalStorageDriver,
  mountLocalStorageRoutes,
  PRODUCT_IMAGE_POLICY,
  publicNamespaces,
  thumbnailKey,
  Uploads,
} from '../../src/storage/index.ts';
import { AppError } from '../../src/errors.ts';

let server: Server;
let root: string;
let base = '';
let driver: LocalStorageDriver;
let uploads: Uploads;
const owner = '4a3c5a39-7f3c-4f52-a7c1-8c1b0b8c0f11';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'anshim-storage-'));
  driver = new LocalStorageDriver({ root, publicBaseUrl: () => base, signingSecret: 'test-secret-test-secret-test-secret', publicNamespaces: publicNamespaces([PRODUCT_IMAGE_POLICY, EVIDENCE_POLICY]) });
  uploads = new Uploads(driver);
  const app = express();
  mountLocalStorageRoutes(app, driver);
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(root, { recursive: true, force: true });
});

const jpeg = () => sharp({ create: { width: 640, height: 480, channels: 3, background: '#3366cc' } }).jpeg().toBuffer();
const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

async function put(url: string, body: Uint8Array, headers: Record<string, string>) {
  const res = await fetch(url, { method: 'PUT', body, headers });
  return { status: res.status, body: (await res.json()) as { error?: { code: string } } };
}

describe('tickets', () => {
  it('issues a signed PUT for an allowed type and size, and refuses others with codes', async () => {
    const ticket = await uploads.issue(PRODUCT_IMAGE_POLICY, owner, 'image/jpeg', 1000);
    expect(ticket.key).toMatch(new RegExp(`^product-uploads/${owner}/[0-9a-f-]{36}\\.jpg$`));
    expect(ticket.headers).toEqual({ 'content-type': 'image/jpeg' });
    expect(ticket.maxBytes).toBe(10 * 1024 * 1024);
    const wrongType = await uploads.issue(PRODUCT_IMAGE_POLICY, owner, 'image/gif', 1000).catch((e: AppError) => e);
    expect((wrongType as AppError).extensions.code).toBe('BAD_USER_INPUT');
    const pdfForImages = await uploads.issue(PRODUCT_IMAGE_POLICY, owner, 'application/pdf', 1000).catch((e: AppError) => e);
    expect((pdfForImages as AppError).extensions.fields).toEqual([{ field: 'contentType', reason: 'contentTypeNotAllowed' }]);
    for (const size of [0, -1, 10 * 1024 * 1024 + 1, 1.5]) {
      const error = await uploads.issue(PRODUCT_IMAGE_POLICY, owner, 'image/png', size).catch((e: AppError) => e);
      expect((error as AppError).extensions.fields).toEqual([{ field: 'size', reason: 'sizeInvalid' }]);
    }
  });
});

describe('the PUT route', () => {
  it('stores a real JPEG; a second PUT to the same URL is refused (no swapping a verified file)', async () => {
    const body = await jpeg();
    const ticket = await uploads.issue(PRODUCT_IMAGE_POLICY, owner, 'image/jpeg', body.length);
    expect((await put(ticket.url, body, ticket.headers)).status).toBe(200);
    expect((await stat(join(root, ticket.key))).size).toBe(body.length);
    expect((await put(ticket.url, body, ticket.headers)).body.error?.code).toBe('ALREADY_UPLOADED');
  });

  it('refuses a tampered URL, an expired URL, the wrong content type, oversize and lying bytes', async () => {
    const body = await jpeg();
    const ticket = await uploads.issue(PRODUCT_IMAGE_POLICY, owner, 'image/jpeg', body.length);
    const tampered = ticket.url.replace(/max=\d+/, 'max=999999999');
    expect(await put(tampered, body, ticket.headers)).toMatchObject({ status: 403, body: { error: { code: 'BAD_SIGNATURE' } } });
    const otherKey = ticket.url.replace(ticket.key, ticket.key.replace('.jpg', 'x.jpg'));
    expect((await put(otherKey, body, ticket.headers)).status).toBe(403);

    const expired = await driver.presignPut({ key: `products/${owner}/expired.jpg`, contentType: 'image/jpeg', size: body.length, maxBytes: 1000, expiresAt: new Date(Date.now() - 1000) });
    expect(await put(expired.url, body, expired.headers)).toMatchObject({ status: 403, body: { error: { code: 'URL_EXPIRED' } } });

    expect(await put(ticket.url, body, { 'content-type': 'image/png' })).toMatchObject({ status: 415, body: { error: { code: 'WRONG_CONTENT_TYPE' } } });

    const small = await driver.presignPut({ key: `products/${owner}/small.jpg`, contentType: 'image/jpeg', size: 10, maxBytes: 100, expiresAt: new Date(Date.now() + 60_000) });
    expect(await put(small.url, body, small.headers)).toMatchObject({ status: 413, body: { error: { code: 'TOO_LARGE' } } });
    // Without a Content-Length (chunked), the limit is enforced while streaming.
    const stream = new ReadableStream({ start(c) { c.enqueue(body.subarray(0, 80)); c.enqueue(body.subarray(80, 200)); c.close(); } });
    const chunked = await fetch(small.url, { method: 'PUT', body: stream, headers: small.headers, duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
    await expect(stat(join(root, `products/${owner}/small.jpg`))).rejects.toThrow();

    const html = Buffer.from('<html><script>alert(1)</script></html>');
    const lying = await uploads.issue(PRODUCT_IMAGE_POLICY, owner, 'image/jpeg', html.length);
    expect(await put(lying.url, html, lying.headers)).toMatchObject({ status: 415, body: { error: { code: 'CONTENT_MISMATCH' } } });
    expect(await driver.stat(lying.key)).toBeNull();
  });
});

describe('verify, thumbnail and reading back', () => {
  it('verifies an uploaded image, writes a WebP thumbnail, serves product images publicly once published', async () => {
    const body = await jpeg();
    const ticket = await uploads.issue(PRODUCT_IMAGE_POLICY, owner, 'image/jpeg', body.length);
    await expect(uploads.verify(PRODUCT_IMAGE_POLICY, ticket.key, 'image/jpeg')).rejects.toMatchObject({ extensions: { fields: [{ reason: 'notUploaded' }] } });
    await put(ticket.url, body, ticket.headers);
    expect(await uploads.verify(PRODUCT_IMAGE_POLICY, ticket.key, 'image/jpeg')).toEqual({ size: body.length });
    expect(uploads.belongsTo(PRODUCT_IMAGE_POLICY, ticket.key, owner)).toBe(true);
    expect(uploads.belongsTo(PRODUCT_IMAGE_POLICY, ticket.key, 'someone-else')).toBe(false);

    const thumb = await uploads.thumbnail(PRODUCT_IMAGE_POLICY, ticket.key);
    expect(thumb).toBe(thumbnailKey(ticket.key));
    const meta = await sharp(Buffer.from(await driver.read(thumb!))).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 320, height: 240 });

    // The upload itself is private; its published, re-encoded copy is public.
    expect((await fetch(`${base}/files/${ticket.key}`)).status).toBe(403);
    const published = await uploads.publish(PRODUCT_IMAGE_POLICY, ticket.key, 'image/jpeg');
    expect(published).toMatch(new RegExp(`^products/${owner}/[0-9a-f-]{36}\\.jpg$`));
    const url = await uploads.urlFor(PRODUCT_IMAGE_POLICY, published);
    expect(url).toBe(`${base}/files/${published}`);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('evidence is private: signed GET URLs that expire, never a plain URL', async () => {
    const ticket = await uploads.issue(EVIDENCE_POLICY, owner, 'application/pdf', pdf.length);
    expect((await put(ticket.url, pdf, ticket.headers)).status).toBe(200);
    expect(await uploads.verify(EVIDENCE_POLICY, ticket.key, 'application/pdf')).toEqual({ size: pdf.length });
    expect((await fetch(`${base}/files/${ticket.key}`)).status).toBe(403);
    const signed = await uploads.urlFor(EVIDENCE_POLICY, ticket.key);
    const ok = await fetch(signed);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('private, no-store');
    const expired = await driver.presignGet(ticket.key, new Date(Date.now() - 1000));
    expect((await fetch(expired)).status).toBe(403);
    expect((await fetch(signed.replace(/sig=[^&]+/, 'sig=AAAA'))).status).toBe(403);
  });

  it('a file with the right magic bytes that is not a decodable image is refused at thumbnail time', async () => {
    const fake = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]);
    const ticket = await uploads.issue(PRODUCT_IMAGE_POLICY, owner, 'image/jpeg', fake.length);
    await put(ticket.url, fake, ticket.headers);
    await uploads.verify(PRODUCT_IMAGE_POLICY, ticket.key, 'image/jpeg');
    await expect(uploads.thumbnail(PRODUCT_IMAGE_POLICY, ticket.key)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', fields: [{ reason: 'unreadableImage' }] } });
  });

  it('declared PNG, uploaded bytes PNG, but verified as JPEG is refused (mismatch)', async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } }).png().toBuffer();
    const ticket = await uploads.issue(PRODUCT_IMAGE_POLICY, owner, 'image/png', png.length);
    await put(ticket.url, png, ticket.headers);
    await expect(uploads.verify(PRODUCT_IMAGE_POLICY, ticket.key, 'image/jpeg')).rejects.toMatchObject({ extensions: { fields: [{ reason: 'contentMismatch' }] } });
  });
});
