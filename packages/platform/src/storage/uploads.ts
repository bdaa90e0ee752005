// The upload flow every service uses: issue a ticket (signed PUT URL) for an allowed type and
// size, within the member's quota of open tickets (upload-tickets.ts), and later, before a key is
// attached to anything, check that the file arrived, is within the limit, and that its bytes are
// what its type says. Public pictures are then published: re-encoded into the policy's public
// namespace without EXIF/XMP/GPS or PNG text chunks, with their thumbnail; the original is never
// served and is deleted. Tickets never attached are swept (upload-sweep.ts).
import { randomUUID } from 'node:crypto';
import { BadInputError } from '../errors.ts';
import { systemClock, type Clock } from '../kit/clock.ts';
import { isValidKey, type StorageDriver } from './driver.ts';
import { detectContentType, extensionOf, MAGIC_BYTES_NEEDED, normalizeContentType, type KnownContentType } from './magic-bytes.ts';
import { storageMessages } from './messages.ts';
import type { UploadPolicy } from './policies.ts';
import type { UploadTickets } from './upload-tickets.ts';

export interface IssuedUpload {
  key: string;
  url: string;
  headers: Record<string, string>;
  /** When the PUT URL stops working. */
  expiresAt: Date;
  /** When the ticket closes: attach before it, or the file is swept. */
  ticketExpiresAt: Date;
  maxBytes: number;
  contentType: KnownContentType;
}

export interface UploadsOptions {
  /** Quota and sweep bookkeeping; without it (tools, tests of the drivers) tickets are unlimited. */
  tickets?: UploadTickets;
  now?: Clock;
}

/** How long a private file's GET URL works by default: long enough to open it, no longer. */
export const PRIVATE_URL_TTL_SECONDS = 5 * 60;
/** Public files on a store without a public base URL get a signed GET this long. */
const PUBLIC_FALLBACK_TTL_SECONDS = 24 * 60 * 60;

export class Uploads {
  private readonly now: Clock;
  private readonly tickets: UploadTickets | undefined;

  constructor(
    readonly driver: StorageDriver,
    options: UploadsOptions = {},
  ) {
    this.now = options.now ?? systemClock;
    this.tickets = options.tickets;
  }

  /** Validates type and size (BAD_USER_INPUT naming the field) and signs a PUT URL. */
  async issue(policy: UploadPolicy, ownerId: string, contentType: string, size: number): Promise<IssuedUpload> {
    const type = normalizeContentType(contentType) as KnownContentType;
    if (!policy.contentTypes.includes(type)) {
      throw new BadInputError(storageMessages.contentTypeNotAllowed(policy.contentTypes), {
        fields: [{ field: 'contentType', reason: 'contentTypeNotAllowed' }],
        allowed: policy.contentTypes,
      });
    }
    if (!Number.isInteger(size) || size < 1 || size > policy.maxBytes) {
      throw new BadInputError(storageMessages.sizeInvalid(policy.maxBytes), {
        fields: [{ field: 'size', reason: 'sizeInvalid' }],
        maxBytes: policy.maxBytes,
      });
    }
    const key = `${policy.namespace}/${ownerId}/${randomUUID()}.${extensionOf(type)}`;
    const now = this.now();
    const ticketExpiresAt = this.tickets ? await this.tickets.open(policy.namespace, ownerId, key, now) : new Date(now.getTime() + policy.uploadTtlSeconds * 1000);
    const expiresAt = new Date(Math.min(now.getTime() + policy.uploadTtlSeconds * 1000, ticketExpiresAt.getTime()));
    const signed = await this.driver.presignPut({ key, contentType: type, size, maxBytes: policy.maxBytes, expiresAt });
    return { key, url: signed.url, headers: signed.headers, expiresAt, ticketExpiresAt, maxBytes: policy.maxBytes, contentType: type };
  }

  /** After the attaching transaction committed: the keys stop counting against the member's quota. */
  async attached(policy: UploadPolicy, ownerId: string, keys: readonly string[]): Promise<void> {
    await this.tickets?.attached(policy.namespace, ownerId, keys);
  }

  /**
   * A fresh published key for an upload: `<published namespace>/<owner>/<new uuid>.<ext>`. Fresh
   * per attach, so two attempts racing for one upload never share (or delete) each other's copy.
   */
  private publishedKeyFor(policy: UploadPolicy, key: string): string {
    const [, owner] = key.split('/');
    return `${policy.publishedNamespace ?? policy.namespace}/${owner}/${randomUUID()}.${key.slice(key.lastIndexOf('.') + 1)}`;
  }

  /**
   * Decodes the verified upload and writes it re-encoded (same format, EXIF orientation applied,
   * scaled down to `policy.resize` if set)
   * under the published key: sharp writes no metadata unless asked, so EXIF/XMP/GPS, ICC and PNG
   * text chunks are gone from every byte ever served. Writes the thumbnail next to it. Returns the
   * published key; the caller deletes the original (`discard`) once the attach committed.
   */
  async publish(policy: UploadPolicy, key: string, contentType: KnownContentType, field = 'key'): Promise<string> {
    const { default: sharp } = await import('sharp');
    const original = await this.driver.read(key);
    let clean: Buffer;
    try {
      let image = sharp(original, { limitInputPixels: 64_000_000 }).rotate();
      if (policy.resize) image = image.resize(policy.resize.width, policy.resize.height, { fit: 'inside', withoutEnlargement: true });
      clean = await (contentType === 'image/png' ? image.png() : contentType === 'image/webp' ? image.webp({ quality: 85 }) : image.jpeg({ quality: 85 })).toBuffer();
    } catch {
      throw new BadInputError(storageMessages.unreadableImage, { fields: [{ field, reason: 'unreadableImage' }], key });
    }
    const published = this.publishedKeyFor(policy, key);
    await this.driver.write(published, clean, contentType);
    if (policy.thumbnail) await this.driver.write(thumbnailKey(published), await this.thumbnailOf(policy, clean, field, key), 'image/webp');
    return published;
  }

  /** Deletes files (originals after publishing, or published copies of an attach that failed). */
  async discard(keys: readonly string[]): Promise<void> {
    await Promise.allSettled(keys.flatMap((key) => [this.driver.remove(key), this.driver.remove(thumbnailKey(key))]));
  }

  /** Whether `key` is one this policy minted for `ownerId` (cheap; no I/O). */
  belongsTo(policy: UploadPolicy, key: string, ownerId: string): boolean {
    return isValidKey(key) && key.startsWith(`${policy.namespace}/${ownerId}/`);
  }

  /**
   * Checks a stored file before it is attached: present, within the policy's limit, and its
   * magic bytes match `contentType`. Throws BAD_USER_INPUT saying what is wrong.
   */
  async verify(policy: UploadPolicy, key: string, contentType: KnownContentType, field = 'key'): Promise<{ size: number }> {
    const stored = await this.driver.stat(key);
    if (!stored || stored.size === 0) throw new BadInputError(storageMessages.notUploadedYet, { fields: [{ field, reason: 'notUploaded' }], key });
    if (stored.size > policy.maxBytes) throw new BadInputError(storageMessages.tooLarge(policy.maxBytes), { fields: [{ field, reason: 'tooLarge' }], key });
    const head = await this.driver.readHead(key, MAGIC_BYTES_NEEDED);
    if (detectContentType(head) !== contentType || !policy.contentTypes.includes(contentType)) {
      throw new BadInputError(storageMessages.contentMismatch, { fields: [{ field, reason: 'contentMismatch' }], key });
    }
    return stored;
  }

  /** Writes `<key>.thumb.webp` (policy.thumbnail); an image sharp cannot decode is refused. */
  async thumbnail(policy: UploadPolicy, key: string, field = 'key'): Promise<string | null> {
    if (!policy.thumbnail) return null;
    const thumbKey = thumbnailKey(key);
    await this.driver.write(thumbKey, await this.thumbnailOf(policy, await this.driver.read(key), field, key), 'image/webp');
    return thumbKey;
  }

  private async thumbnailOf(policy: UploadPolicy, image: Uint8Array, field: string, key: string): Promise<Buffer> {
    const { default: sharp } = await import('sharp');
    const size = policy.thumbnail ?? { width: 320, height: 320 };
    try {
      return await sharp(image, { limitInputPixels: 64_000_000 })
        .rotate() // respect EXIF orientation, then drop metadata (location!) from the thumbnail
        .resize(size.width, size.height, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 78 })
        .toBuffer();
    } catch {
      throw new BadInputError(storageMessages.unreadableImage, { fields: [{ field, reason: 'unreadableImage' }], key });
    }
  }

  /** A URL to show the file: permanent for public files where the store has one, else signed. */
  async urlFor(policy: UploadPolicy, key: string, ttlSeconds?: number): Promise<string> {
    if (policy.visibility === 'public') {
      const permanent = this.driver.publicUrl(key);
      if (permanent) return permanent;
    }
    const ttl = ttlSeconds ?? (policy.visibility === 'public' ? PUBLIC_FALLBACK_TTL_SECONDS : PRIVATE_URL_TTL_SECONDS);
    return this.driver.presignGet(key, new Date(this.now().getTime() + ttl * 1000));
  }
}

export function thumbnailKey(key: string): string {
  return `${key}.thumb.webp`;
}
