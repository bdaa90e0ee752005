// Profile photos (issue 20.5) on the local driver: ticket → PUT → setProfilePhoto(key) → a public
// photoUrl whose bytes are re-encoded, resized and carry no EXIF/GPS; null removes it. Every bad
// input (not an image, too large, wrong type, someone else's key, a used key) is a coded error and
// changes nothing; an upload never attached is swept.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onlyError, registerUser, UserHarness, type RegisteredUser } from './support/harness.ts';

const h = new UserHarness();
beforeAll(() => h.start(), 60_000);
afterAll(() => h.stop());

const TICKET = `mutation($t: String!, $s: Int!) { createProfilePhotoUpload(contentType: $t, size: $s) { key url headers expiresAt maxBytes } }`;
const SET = `mutation($k: String) { setProfilePhoto(key: $k) { id photoUrl } }`;
type Ticket = { key: string; url: string; headers: Record<string, string>; expiresAt: string; maxBytes: number };

/** A 1600×1200 JPEG carrying GPS coordinates and a camera make in its EXIF, as a phone would write it. */
const gpsJpeg = () =>
  sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#3080c0' } })
    .withExifMerge({ IFD0: { Make: 'AnshimPhone', Model: 'Secret-Model-9' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '37/1 33/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '126/1 58/1 0/1' } })
    .jpeg()
    .withMetadata()
    .toBuffer();

async function ticket(as: RegisteredUser, type: string, size: number): Promise<Ticket> {
  const result = await h.gql<{ createProfilePhotoUpload: Ticket }>(TICKET, { t: type, s: size }, { token: as.accessToken });
  if (!result.data?.createProfilePhotoUpload) throw new Error(JSON.stringify(result.errors));
  return result.data.createProfilePhotoUpload;
}

async function upload(as: RegisteredUser, body: Buffer, type = 'image/jpeg'): Promise<Ticket> {
  const t = await ticket(as, type, body.length);
  const res = await h.send(t.url, { method: 'PUT', body, headers: t.headers });
  expect(res.status).toBe(200);
  return t;
}

const photoKeyOf = async (id: string) => (await h.prisma.user.findUnique({ where: { id }, select: { photoKey: true } }))!.photoKey;

describe('profile photo', () => {
  it('publishes a GPS-tagged JPEG re-encoded at most 512×512 with no EXIF, GPS or camera data; others see the URL', async () => {
    const member = await registerUser(h);
    const original = await gpsJpeg();
    // The test's own picture really carries the location, so its absence below means something.
    const before = await sharp(original).metadata();
    expect(before.exif).toBeDefined();
    expect(before.exif!.toString('latin1')).toContain('AnshimPhone');

    const t = await upload(member, original);
    expect(t.maxBytes).toBe(5 * 1024 * 1024);
    const set = await h.gql<{ setProfilePhoto: { id: string; photoUrl: string } }>(SET, { k: t.key }, { token: member.accessToken });
    expect(set.errors).toBeUndefined();
    const url = set.data!.setProfilePhoto.photoUrl;
    expect(url).toMatch(/\/files\/profile-photos\//);

    // Public: anyone (no identity) reads the URL from the profile and the bytes from the store.
    const other = await h.gql<{ user: { photoUrl: string } }>(`query($id: ID!) { user(id: $id) { photoUrl } }`, { id: member.id });
    expect(other.data!.user.photoUrl).toBe(url);
    const served = Buffer.from(await (await h.send(url)).arrayBuffer());
    const meta = await sharp(served).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(Math.max(meta.width!, meta.height!)).toBe(512);
    expect(served.includes(Buffer.from('AnshimPhone'))).toBe(false);
    expect(served.includes(Buffer.from('GPS'))).toBe(false);

    // The private original is gone once attached; only the re-encoded copy exists.
    expect(existsSync(join(h.storageDir, t.key))).toBe(false);
  });

  it('setProfilePhoto(null) removes the photo and its file; a new photo replaces the old one', async () => {
    const member = await registerUser(h);
    const first = await upload(member, await sharp({ create: { width: 300, height: 300, channels: 3, background: '#fff' } }).png().toBuffer(), 'image/png');
    const firstUrl = (await h.gql(SET, { k: first.key }, { token: member.accessToken })).data!.setProfilePhoto.photoUrl as string;
    expect((await h.send(firstUrl)).status).toBe(200);
    const second = await upload(member, await sharp({ create: { width: 300, height: 300, channels: 3, background: '#000' } }).webp().toBuffer(), 'image/webp');
    const secondUrl = (await h.gql(SET, { k: second.key }, { token: member.accessToken })).data!.setProfilePhoto.photoUrl as string;
    expect(secondUrl).not.toBe(firstUrl);
    expect((await h.send(firstUrl)).status).toBe(404);
    const removed = await h.gql(SET, { k: null }, { token: member.accessToken });
    expect(removed.data!.setProfilePhoto.photoUrl).toBeNull();
    expect(await photoKeyOf(member.id)).toBeNull();
    expect((await h.send(secondUrl)).status).toBe(404);
  });

  it('refuses a wrong content type, a file over 5 MB and an anonymous caller when the ticket is asked for', async () => {
    const member = await registerUser(h);
    expect(onlyError(await h.gql(TICKET, { t: 'image/gif', s: 100 }, { token: member.accessToken }))).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { fields: [{ field: 'contentType' }] } });
    expect(onlyError(await h.gql(TICKET, { t: 'application/pdf', s: 100 }, { token: member.accessToken })).code).toBe('BAD_USER_INPUT');
    const huge = onlyError(await h.gql(TICKET, { t: 'image/jpeg', s: 5 * 1024 * 1024 + 1 }, { token: member.accessToken }));
    expect(huge).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { fields: [{ field: 'size' }] } });
    expect(onlyError(await h.gql(TICKET, { t: 'image/jpeg', s: 100 })).code).toBe('UNAUTHENTICATED');
    expect(await h.prisma.profilePhotoUpload.count({ where: { ownerId: member.id } })).toBe(0);
  });

  it('refuses bytes that are not an image, and an upload over 5 MB, at the PUT; setProfilePhoto then changes nothing', async () => {
    const member = await registerUser(h);
    const text = Buffer.from('this is not a picture at all, just text pretending to be a jpeg');
    const t = await ticket(member, 'image/jpeg', text.length);
    expect((await h.send(t.url, { method: 'PUT', body: text, headers: t.headers })).status).toBe(415);
    const refused = onlyError(await h.gql(SET, { k: t.key }, { token: member.accessToken }));
    expect(refused).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { fields: [{ field: 'key', reason: 'notUploaded' }] } });

    const small = await ticket(member, 'image/jpeg', 100);
    // Over the 5 MB policy limit whatever the ticket declared: JPEG magic bytes, then padding.
    const big = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(5 * 1024 * 1024)]);
    expect((await h.send(small.url, { method: 'PUT', body: big, headers: { ...small.headers, 'content-length': String(big.length) } })).status).toBe(413);
    expect(await photoKeyOf(member.id)).toBeNull();
  });

  it('someone else’s key, a made-up key and a used key are refused in Korean or English, nothing changes', async () => {
    const owner = await registerUser(h);
    const thief = await registerUser(h);
    const t = await upload(owner, await gpsJpeg());
    const stolen = onlyError(await h.gql(SET, { k: t.key }, { token: thief.accessToken }));
    expect(stolen).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('사진'), extensions: { fields: [{ field: 'key', reason: 'photoKeyUnknown' }] } });
    const english = onlyError(await h.gql(SET, { k: `profile-photo-uploads/${thief.id}/00000000-0000-4000-8000-000000000000.jpg` }, { token: thief.accessToken, lang: 'en' }));
    expect(english).toMatchObject({ code: 'BAD_USER_INPUT', message: 'This photo was not uploaded by you. Please upload the photo again.' });
    expect(await photoKeyOf(thief.id)).toBeNull();

    expect((await h.gql(SET, { k: t.key }, { token: owner.accessToken })).errors).toBeUndefined();
    const used = onlyError(await h.gql(SET, { k: t.key }, { token: owner.accessToken }));
    expect(used).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { fields: [{ reason: 'photoKeyUsed' }] } });
  });

  it('an upload never attached is deleted by the sweep once its ticket expired', async () => {
    const member = await registerUser(h);
    const t = await upload(member, await gpsJpeg());
    expect(existsSync(join(h.storageDir, t.key))).toBe(true);
    const { deleted } = await h.server.uploadSweep.sweep(new Date(Date.now() + 24 * 60 * 60 * 1000));
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(existsSync(join(h.storageDir, t.key))).toBe(false);
    const refused = onlyError(await h.gql(SET, { k: t.key }, { token: member.accessToken }));
    expect(refused.code).toBe('BAD_USER_INPUT');
    expect(await photoKeyOf(member.id)).toBeNull();
  });
});
