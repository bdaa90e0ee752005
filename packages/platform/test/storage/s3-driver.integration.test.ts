// The S3 driver against a small in-process S3 stand-in (path-style, like MinIO): presigned PUT
// URLs sign type, length and If-None-Match; stat, ranged reads, writes and deletes go through
// the SDK for real. The stand-in does not check signatures: what is signed is checked from the URL.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3StorageDriver, Uploads, PRODUCT_IMAGE_POLICY, EVIDENCE_POLICY, publicNamespaces } from '../../src/storage/index.ts';

const objects = new Map<string, { body: Buffer; type: string }>();
let server: Server;
let endpoint = '';

const read = (req: IncomingMessage) => new Promise<Buffer>((resolve) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => resolve(Buffer.concat(chunks)));
});

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url!, 'http://x').pathname);
    const stored = objects.get(path);
    if (req.method === 'PUT') {
      const body = await read(req);
      if (req.headers['if-none-match'] === '*' && stored) return void res.writeHead(412).end();
      objects.set(path, { body, type: String(req.headers['content-type'] ?? 'application/octet-stream') });
      return void res.writeHead(200, { etag: '"x"' }).end();
    }
    if (req.method === 'DELETE') {
      objects.delete(path);
      return void res.writeHead(204).end();
    }
    if (!stored) return void res.writeHead(404, { 'content-type': 'application/xml' }).end(req.method === 'HEAD' ? undefined : '<Error><Code>NoSuchKey</Code></Error>');
    const range = /bytes=(\d+)-(\d+)/.exec(String(req.headers.range ?? ''));
    const body = range ? stored.body.subarray(Number(range[1]), Number(range[2]) + 1) : stored.body;
    res.writeHead(range ? 206 : 200, { 'content-type': stored.type, 'content-length': String(req.method === 'HEAD' ? stored.body.length : body.length) });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const driver = () =>
  new S3StorageDriver({
    bucket: 'anshim-test',
    region: 'ap-northeast-2',
    endpoint,
    forcePathStyle: true,
    accessKeyId: 'test',
    secretAccessKey: 'test-secret',
    publicNamespaces: publicNamespaces([PRODUCT_IMAGE_POLICY]),
    timeoutMs: 2_000,
  });

describe('S3StorageDriver', () => {
  it('presigns a PUT that signs content type, exact length and no-overwrite', async () => {
    const uploads = new Uploads(driver());
    const ticket = await uploads.issue(PRODUCT_IMAGE_POLICY, 'owner-1', 'image/png', 1234);
    const url = new URL(ticket.url);
    expect(url.pathname).toBe(`/anshim-test/${ticket.key}`);
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';').sort()).toEqual(['content-length', 'content-type', 'host', 'if-none-match']);
    expect(Number(url.searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(600);
    expect(ticket.headers).toEqual({ 'content-type': 'image/png', 'if-none-match': '*' });
  });

  it('stores, stats, reads ranges and deletes through the SDK; a missing key is null, not an error', async () => {
    const s3 = driver();
    const body = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 1)]);
    expect(await s3.stat('products/o/missing.png')).toBeNull();
    await s3.write('products/o/a.png', body, 'image/png');
    expect(await s3.stat('products/o/a.png')).toEqual({ size: body.length });
    expect(Buffer.from(await s3.readHead('products/o/a.png', 12))).toEqual(body.subarray(0, 12));
    expect(Buffer.from(await s3.read('products/o/a.png'))).toEqual(body);
    await expect(new Uploads(s3).verify(PRODUCT_IMAGE_POLICY, 'products/o/a.png', 'image/png')).resolves.toEqual({ size: body.length });
    await s3.remove('products/o/a.png');
    expect(await s3.stat('products/o/a.png')).toBeNull();
  });

  it('private files get presigned GETs; public ones too unless a public base URL is set', async () => {
    const s3 = driver();
    const signed = await new Uploads(s3).urlFor(EVIDENCE_POLICY, 'evidence/o/x.pdf');
    expect(new URL(signed).searchParams.get('X-Amz-Expires')).toBe('300');
    const withCdn = new S3StorageDriver({ bucket: 'b', region: 'r', endpoint, forcePathStyle: true, accessKeyId: 'a', secretAccessKey: 'b', publicBaseUrl: 'https://cdn.example.com/', publicNamespaces: ['products'] });
    expect(await new Uploads(withCdn).urlFor(PRODUCT_IMAGE_POLICY, 'products/o/x.jpg')).toBe('https://cdn.example.com/products/o/x.jpg');
    expect(withCdn.publicUrl('evidence/o/x.pdf')).toBeNull();
  });
});
