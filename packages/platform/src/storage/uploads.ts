// The upload flow every service uses: issue a ticket (signed PUT URL) for an allowed type and
// size, and later, before a key is attached to anything, check that the file arrived, is
// within the limit, and that its bytes are what its type says. Images also get a thumbnail.
import { randomUUID } from 'node:crypto';
import { BadInputError } from '../errors.ts';
import { isValidKey, type StorageDriver } from './driver.ts';
import { detectContentType, extensionOf, MAGIC_BYTES_NEEDED, normalizeContentType, type KnownContentType } from './magic-bytes.ts';
import { storageMessages } from './messages.ts';
import type { UploadPolicy } from './policies.ts';

export interface IssuedUpload {
  key: string;
  url: string;
  headers: Record<string, string>;
  expiresAt: Date;
  maxBytes: number;
  contentType: KnownContentType;
}

/** How long a private file's GET URL works by default: long enough to open it, no longer. */
export const PRIVATE_URL_TTL_SECONDS = 5 * 60;
/** Public files on a store without a public base URL get a signed GET this long. */
const PUBLIC_FALLBACK_TTL_SECONDS = 24 * 60 * 60;

export class Uploads {
  constructor(
    readonly driver: StorageDriver,
    private readonly now: () => Date = () => new Date(),
  ) {}

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
    const expiresAt = new Date(this.now().getTime() + policy.uploadTtlSeconds * 1000);
    const signed = await this.driver.presignPut({ key, contentType: type, size, maxBytes: policy.maxBytes, expiresAt });
    return { key, url: signed.url, headers: signed.headers, expiresAt, maxBytes: policy.maxBytes, contentType: type };
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
    const { default: sharp } = await import('sharp');
    const original = await this.driver.read(key);
    let thumb: Buffer;
    try {
      thumb = await sharp(original, { limitInputPixels: 64_000_000 })
        .rotate() // respect EXIF orientation, then drop metadata (location!) from the thumbnail
        .resize(policy.thumbnail.width, policy.thumbnail.height, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 78 })
        .toBuffer();
    } catch {
      throw new BadInputError(storageMessages.unreadableImage, { fields: [{ field, reason: 'unreadableImage' }], key });
    }
    const thumbKey = thumbnailKey(key);
    await this.driver.write(thumbKey, thumb, 'image/webp');
    return thumbKey;
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
