// Product pictures end to end on the local driver: ticket → PUT → createProduct with the key →
// public URL and thumbnail. Every bad upload is refused with a code and nothing is written.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREATE_PRODUCT, newUser, onlyError, productInput, rowsNaming, TransactionHarness } from './support/harness.ts';

const h = new TransactionHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());

const TICKET = `mutation($t: String!, $s: Int!) { createProductImageUpload(contentType: $t, size: $s) { key url headers expiresAt maxBytes } }`;
type Ticket = { key: string; url: string; headers: Record<string, string>; expiresAt: string; maxBytes: number };

const picture = (format: 'jpeg' | 'png' | 'webp' = 'jpeg') => sharp({ create: { width: 800, height: 600, channels: 3, background: '#e0a030' } })[format]().toBuffer();

async function upload(as: ReturnType<typeof newUser>, body: Buffer, type = 'image/jpeg'): Promise<Ticket> {
  const ticket = (await h.ok<{ createProductImageUpload: Ticket }>(TICKET, { t: type, s: body.length }, { identity: as })).createProductImageUpload;
  const res = await h.send(ticket.url, { method: 'PUT', body, headers: ticket.headers });
  expect(res.status).toBe(200);
  return ticket;
}


describe('product pictures', () => {
  const seller = newUser();

  it('uploads JPEG, PNG and WebP, attaches them, and shows URLs and thumbnails that load', async () => {
    const tickets = [await upload(seller, await picture('jpeg')), await upload(seller, await picture('png'), 'image/png'), await upload(seller, await picture('webp'), 'image/webp')];
    expect(tickets[0]!.maxBytes).toBe(10 * 1024 * 1024);
    expect(new Date(tickets[0]!.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const created = await h.ok<{ createProduct: { id: string; imageUrls: string[]; thumbnailUrls: string[] } }>(
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { id imageUrls thumbnailUrls } }`,
      { input: productInput({ imageKeys: tickets.map((t) => t.key) }) },
      { identity: seller },
    );
    const { imageUrls, thumbnailUrls } = created.createProduct;
    expect(imageUrls).toHaveLength(3);
    const image = await h.send(imageUrls[1]!);
    expect(image.headers.get('content-type')).toBe('image/png');
    const thumb = await h.send(thumbnailUrls[0]!);
    expect(thumb.status).toBe(200);
    expect((await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()).width).toBe(320);
    const event = await h.prisma.outboxEvent.findFirst({ where: { type: 'product.created', payload: { path: ['data', 'productId'], equals: created.createProduct.id } }, select: { payload: true } });
    expect((event!.payload as { data: { imageCount: number } }).data.imageCount).toBe(3);
  });

  it('refuses a wrong content type and an oversize file when the ticket is asked for', async () => {
    const gif = onlyError(await h.gql(TICKET, { t: 'image/gif', s: 100 }, { identity: seller }));
    expect(gif).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { fields: [{ field: 'contentType' }] } });
    const huge = onlyError(await h.gql(TICKET, { t: 'image/jpeg', s: 10 * 1024 * 1024 + 1 }, { identity: seller }));
    expect(huge).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { fields: [{ field: 'size' }] } });
    expect(onlyError(await h.gql(TICKET, { t: 'image/jpeg', s: 100 })).code).toBe('UNAUTHENTICATED');
  });

  it('refuses an expired or tampered upload URL at the PUT', async () => {
    const body = await picture();
    const ticket = (await h.ok<{ createProductImageUpload: Ticket }>(TICKET, { t: 'image/jpeg', s: body.length }, { identity: seller })).createProductImageUpload;
    const tampered = await h.send(ticket.url.replace(/exp=\d+/, `exp=${Math.floor(Date.now() / 1000) + 999_999}`), { method: 'PUT', body, headers: ticket.headers });
    expect(tampered.status).toBe(403);
    const expired = await h.send(ticket.url.replace(/exp=\d+/, 'exp=1'), { method: 'PUT', body, headers: ticket.headers });
    expect(expired.status).toBe(403);
  });

  it.each([
    ['a key that was never issued', async () => `products/${seller.userId}/00000000-0000-4000-8000-000000000000.jpg`, 'imageKeyUnknown'],
    ['a key issued but never uploaded', async () => (await h.ok<{ createProductImageUpload: Ticket }>(TICKET, { t: 'image/jpeg', s: 1000 }, { identity: seller })).createProductImageUpload.key, 'notUploaded'],
    ['another user\'s key', async () => (await upload(newUser(), await picture())).key, 'imageKeyUnknown'],
  ])('createProduct with %s → BAD_USER_INPUT, nothing written', async (_name, keyOf, reason) => {
    const key = await keyOf();
    const counts = () => rowsNaming(h, [seller.userId]);
    const before = await counts();
    const error = onlyError(await h.gql(CREATE_PRODUCT, { input: productInput({ imageKeys: [key] }) }, { identity: seller }));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.fields[0]).toMatchObject({ field: 'imageKeys.0', reason });
    expect(await counts()).toEqual(before);
  });

  it('a key already used by another product cannot be attached again', async () => {
    const ticket = await upload(seller, await picture());
    await h.ok(CREATE_PRODUCT, { input: productInput({ imageKeys: [ticket.key] }) }, { identity: seller });
    const error = onlyError(await h.gql(CREATE_PRODUCT, { input: productInput({ imageKeys: [ticket.key] }) }, { identity: seller }));
    expect(error.extensions.fields[0].reason).toBe('imageKeyUsed');
  });
});
