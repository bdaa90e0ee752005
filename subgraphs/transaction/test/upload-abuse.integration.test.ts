// Uploads cannot be abused (issue 16, point 6): a member holds a limited number of open upload
// tickets; a file is not served before it is attached; files never attached are deleted by the
// upload sweep once their ticket expired (time is driven by calling the sweep with a later "now");
// and the pictures served for a product are re-encoded: no EXIF/XMP/GPS, no PNG text chunks. Every
// request to the storage route is signed as the gateway's pass-through signs it (h.send).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser, onlyError, productInput, TransactionHarness } from './support/harness.ts';
import { SWEEP_GRACE_MS } from '@anshim/platform/storage';

const TICKET_TTL_SECONDS = 120;
const h = new TransactionHarness({ UPLOAD_OPEN_TICKETS_PER_KIND: '3', UPLOAD_TICKET_TTL_SECONDS: String(TICKET_TTL_SECONDS) });
beforeAll(() => h.start());
afterAll(() => h.stop());

const TICKET = `mutation($t: String!, $s: Int!) { createProductImageUpload(contentType: $t, size: $s) { key url headers expiresAt } }`;
const CREATE = `mutation($input: CreateProductInput!) { createProduct(input: $input) { id imageUrls thumbnailUrls } }`;
type Ticket = { key: string; url: string; headers: Record<string, string>; expiresAt: string };
type Seller = ReturnType<typeof newUser>;

const picture = () => sharp({ create: { width: 400, height: 300, channels: 3, background: '#20a060' } }).jpeg().toBuffer();
const ticketFor = async (as: Seller, size: number, type = 'image/jpeg') => (await h.ok<{ createProductImageUpload: Ticket }>(TICKET, { t: type, s: size }, { identity: as })).createProductImageUpload;
async function upload(as: Seller, body: Buffer, type = 'image/jpeg'): Promise<Ticket> {
  const ticket = await ticketFor(as, body.length, type);
  expect((await h.send(ticket.url, { method: 'PUT', body, headers: ticket.headers })).status).toBe(200);
  return ticket;
}
const createProduct = (as: Seller, keys: string[]) => h.gql<{ createProduct: { id: string; imageUrls: string[]; thumbnailUrls: string[] } }>(CREATE, { input: productInput({ imageKeys: keys }) }, { identity: as });
/** The file's plain URL on the storage route, as someone who learnt the key would try it. */
const plainUrl = (ticket: Ticket) => ticket.url.slice(0, ticket.url.indexOf('?'));
const onDisk = (key: string) => existsSync(join(h.storageDir, key));
const bytesOf = async (url: string) => {
  const response = await h.send(url);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
};

/** A PNG with a tEXt chunk (`Comment` = text) inserted after IHDR, written by hand. */
function withTextChunk(png: Buffer, text: string): Buffer {
  const data = Buffer.from(`Comment\0${text}`, 'latin1');
  const typeAndData = Buffer.concat([Buffer.from('tEXt', 'latin1'), data]);
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  typeAndData.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(typeAndData), 8 + data.length);
  const afterIhdr = 8 + 12 + png.readUInt32BE(8);
  return Buffer.concat([png.subarray(0, afterIhdr), chunk, png.subarray(afterIhdr)]);
}

describe('a quota of open upload tickets', () => {
  it('the 4th open ticket is RATE_LIMITED (ko/en); attaching frees a place; other members are not affected', async () => {
    const seller = newUser();
    const tickets = [await upload(seller, await picture()), await ticketFor(seller, 1000), await ticketFor(seller, 1000)];
    const refused = onlyError(await h.gql(TICKET, { t: 'image/jpeg', s: 1000 }, { identity: seller }));
    expect(refused.code).toBe('RATE_LIMITED');
    expect(refused.extensions).toMatchObject({ reason: 'UPLOAD_QUOTA', max: 3 });
    expect(refused.extensions.retryAfter).toBeGreaterThan(TICKET_TTL_SECONDS - 10);
    expect(refused.message).toContain('3개');
    const english = onlyError(await h.gql(TICKET, { t: 'image/jpeg', s: 1000 }, { identity: seller, lang: 'en' }));
    expect(english.message).toContain('You already have 3 upload URLs');
    expect(await h.prisma.imageUpload.count({ where: { ownerId: seller.userId } })).toBe(3);

    expect((await ticketFor(newUser(), 1000)).key).toBeTruthy();
    expect((await createProduct(seller, [tickets[0]!.key])).errors).toBeUndefined();
    expect((await ticketFor(seller, 1000)).key).toBeTruthy();
  });
});

describe('nothing is served before it is attached', () => {
  it('an uploaded, unattached picture is refused by the storage route; once attached only the re-encoded copy is served and the original is gone', async () => {
    const seller = newUser();
    const ticket = await upload(seller, await picture());
    expect(onDisk(ticket.key)).toBe(true);
    const before = await h.send(plainUrl(ticket));
    expect(before.status).toBe(403);
    // Guessing where it would be published finds nothing either.
    expect((await h.send(plainUrl(ticket).replace('/product-uploads/', '/products/'))).status).toBe(404);

    const created = await createProduct(seller, [ticket.key]);
    expect(created.errors).toBeUndefined();
    const [imageUrl] = created.data!.createProduct.imageUrls;
    expect(imageUrl).not.toContain(ticket.key);
    expect((await sharp(await bytesOf(imageUrl!)).metadata()).format).toBe('jpeg');
    expect(onDisk(ticket.key)).toBe(false);
    expect((await h.send(plainUrl(ticket))).status).toBe(403);
  });
});

describe('the upload sweep', () => {
  it('deletes a file whose ticket expired unattached, keeps attached pictures, and the expired ticket can no longer be attached', async () => {
    const seller = newUser();
    const abandoned = await upload(seller, await picture());
    const kept = await upload(seller, await picture());
    const product = await createProduct(seller, [kept.key]);
    expect(product.errors).toBeUndefined();
    expect(onDisk(abandoned.key)).toBe(true);

    // Before expiry (and its grace) the sweep leaves the file alone.
    expect((await h.server.uploadSweep.sweep(new Date())).deleted).toBe(0);
    expect(onDisk(abandoned.key)).toBe(true);

    const later = new Date(Date.now() + TICKET_TTL_SECONDS * 1000 + SWEEP_GRACE_MS + 1000);
    const swept = await h.server.uploadSweep.sweep(later);
    expect(swept.deleted).toBeGreaterThanOrEqual(1);
    expect(onDisk(abandoned.key)).toBe(false);
    for (const url of [...product.data!.createProduct.imageUrls, ...product.data!.createProduct.thumbnailUrls]) expect((await h.send(url)).status).toBe(200);

    await h.prisma.imageUpload.update({ where: { key: abandoned.key }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const late = onlyError(await createProduct(seller, [abandoned.key]));
    expect(late.code).toBe('BAD_USER_INPUT');
    expect(late.extensions.fields[0].reason).toBe('imageKeyExpired');
  });
});

describe('served pictures carry no metadata', () => {
  it('a JPEG with EXIF GPS and XMP, and a PNG with a tEXt chunk, come back without them (image and thumbnail)', async () => {
    const seller = newUser();
    const gpsJpeg = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3080c0' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'AnshimTestCam' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '37/1 33/1 5996/100', GPSLongitudeRef: 'E', GPSLongitude: '126/1 58/1 4010/100' } })
      .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>secret-xmp-creator</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>')
      .toBuffer();
    const textPng = withTextChunk(await sharp({ create: { width: 500, height: 400, channels: 3, background: '#c04040' } }).png().toBuffer(), 'home: 서울시 비밀구 123'.replace(/[^\x20-\x7e]/g, '?'));
    // The fixtures really carry what must disappear.
    const fixture = await sharp(gpsJpeg).metadata();
    expect(fixture.exif).toBeDefined();
    expect(fixture.xmp).toBeDefined();
    expect(gpsJpeg.includes('AnshimTestCam')).toBe(true);
    expect(textPng.includes('tEXt')).toBe(true);
    expect((await sharp(textPng).metadata()).comments).toEqual([{ keyword: 'Comment', text: expect.stringContaining('home') }]);

    const tickets = [await upload(seller, gpsJpeg), await upload(seller, textPng, 'image/png')];
    const created = await createProduct(seller, tickets.map((t) => t.key));
    expect(created.errors).toBeUndefined();
    const { imageUrls, thumbnailUrls } = created.data!.createProduct;
    for (const url of [...imageUrls, ...thumbnailUrls]) {
      const served = await bytesOf(url);
      const meta = await sharp(served).metadata();
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.comments ?? []).toEqual([]);
      for (const marker of ['AnshimTestCam', 'secret-xmp', 'GPS', 'tEXt', 'iTXt', 'zTXt', 'home']) expect(served.includes(marker)).toBe(false);
    }
    expect((await sharp(await bytesOf(imageUrls[0]!)).metadata()).format).toBe('jpeg');
    expect((await sharp(await bytesOf(imageUrls[1]!)).metadata()).format).toBe('png');
  });
});
