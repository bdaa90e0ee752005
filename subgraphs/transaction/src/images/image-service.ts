// Product pictures: upload tickets (within the member's quota of open tickets), and the checks
// before a key may be attached to a product (issued to this user, still open, not used yet,
// arrived, ≤ 10 MB, magic bytes match, decodable by sharp). Attaching publishes each picture:
// re-encoded without metadata under the public `products/` namespace, with its thumbnail; the
// upload itself stays private and is deleted once the product is committed. Storage itself is
// the platform's (local disk or S3).
import { BadInputError, type Locale } from '@anshim/platform';
import { PRODUCT_IMAGE_POLICY, thumbnailKey, type KnownContentType, type Uploads } from '@anshim/platform/storage';
import type { Tx } from '../database.ts';
import { messages } from '../messages.ts';
import type { UploadRepository } from './upload-repository.ts';

export interface UploadTicketRecord {
  key: string;
  url: string;
  headers: Record<string, string>;
  expiresAt: Date;
  maxBytes: number;
}

export class ImageService {
  readonly policy = PRODUCT_IMAGE_POLICY;

  constructor(
    private readonly uploads: Uploads,
    private readonly repository: UploadRepository,
  ) {}

  async issue(ownerId: string, contentType: string, size: number): Promise<UploadTicketRecord> {
    const issued = await this.uploads.issue(this.policy, ownerId, contentType, size);
    await this.repository.record({ key: issued.key, ownerId, contentType: issued.contentType, maxBytes: issued.maxBytes, expiresAt: issued.ticketExpiresAt });
    return { key: issued.key, url: issued.url, headers: issued.headers, expiresAt: issued.expiresAt, maxBytes: issued.maxBytes };
  }

  /**
   * Everything short of the database write: refuses keys that were never issued to `ownerId`,
   * whose ticket closed, or that are already attached, then verifies each stored file and
   * publishes it. Returns the published keys, in order (the product stores those).
   */
  async prepare(ownerId: string, keys: readonly string[], locale: Locale): Promise<string[]> {
    if (keys.length === 0) return [];
    const records = new Map((await this.repository.findMany(keys)).map((r) => [r.key, r]));
    const now = Date.now();
    keys.forEach((key, index) => {
      const record = records.get(key);
      const field = `imageKeys.${index}`;
      if (!record || record.ownerId !== ownerId || !this.uploads.belongsTo(this.policy, key, ownerId)) {
        throw new BadInputError(messages.imageKeyUnknown, { fields: [{ field, reason: 'imageKeyUnknown', message: messages.imageKeyUnknown[locale] }] });
      }
      if (record.attachedTo) {
        throw new BadInputError(messages.imageKeyUsed, { fields: [{ field, reason: 'imageKeyUsed', message: messages.imageKeyUsed[locale] }] });
      }
      if (record.expiresAt.getTime() <= now) {
        throw new BadInputError(messages.imageKeyExpired, { fields: [{ field, reason: 'imageKeyExpired', message: messages.imageKeyExpired[locale] }] });
      }
    });
    const published: string[] = [];
    // Two at a time: decoding 10 MB pictures is CPU work shared with everything else.
    for (let i = 0; i < keys.length; i += 2) {
      const batch = await Promise.allSettled(
        keys.slice(i, i + 2).map(async (key, offset) => {
          const field = `imageKeys.${i + offset}`;
          const contentType = records.get(key)!.contentType as KnownContentType;
          await this.uploads.verify(this.policy, key, contentType, field);
          return this.uploads.publish(this.policy, key, contentType, field);
        }),
      );
      for (const result of batch) if (result.status === 'fulfilled') published.push(result.value);
      const failed = batch.find((result) => result.status === 'rejected');
      if (failed) {
        await this.uploads.discard(published);
        throw failed.reason;
      }
    }
    return published;
  }

  /** Marks the keys used by the product, in the product's transaction; returns how many were still free. */
  attach(tx: Tx, keys: readonly string[], ownerId: string, productId: string): Promise<number> {
    return this.repository.attach(tx, keys, ownerId, productId);
  }

  /** After the product committed: the tickets leave the quota and the private originals go. */
  async attached(ownerId: string, keys: readonly string[]): Promise<void> {
    await this.uploads.attached(this.policy, ownerId, keys).catch(() => undefined);
    await this.uploads.discard(keys);
  }

  /** The product was not created: its published copies must not stay reachable. */
  abandon(publishedKeys: readonly string[]): Promise<void> {
    return this.uploads.discard(publishedKeys);
  }

  /** For the upload sweep. */
  attachedAmong(keys: string[]): Promise<Set<string>> {
    return this.repository.attachedAmong(keys);
  }

  urls(keys: readonly string[]): Promise<string[]> {
    return Promise.all(keys.map((key) => this.uploads.urlFor(this.policy, key)));
  }

  thumbnailUrls(keys: readonly string[]): Promise<string[]> {
    return Promise.all(keys.map((key) => this.uploads.urlFor(this.policy, thumbnailKey(key))));
  }
}
