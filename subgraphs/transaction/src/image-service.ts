// Product pictures: upload tickets, and the checks before a key may be attached to a product
// (issued to this user, not used yet, arrived, ≤ 10 MB, magic bytes match, decodable by sharp,
// which also writes the thumbnail). Storage itself is the platform's (local disk or S3).
import { BadInputError, type Locale } from '@anshim/platform';
import { PRODUCT_IMAGE_POLICY, thumbnailKey, type KnownContentType, type Uploads } from '@anshim/platform/storage/index';
import { messages } from './messages.ts';
import type { Tx } from './database.ts';
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
    await this.repository.record({ key: issued.key, ownerId, contentType: issued.contentType, maxBytes: issued.maxBytes, expiresAt: issued.expiresAt });
    return { key: issued.key, url: issued.url, headers: issued.headers, expiresAt: issued.expiresAt, maxBytes: issued.maxBytes };
  }

  /**
   * Everything short of the database write: refuses keys that were never issued to `ownerId` or
   * are already attached, then verifies each stored file and writes its thumbnail.
   */
  async prepare(ownerId: string, keys: readonly string[], locale: Locale): Promise<void> {
    if (keys.length === 0) return;
    const records = new Map((await this.repository.findMany(keys)).map((r) => [r.key, r]));
    keys.forEach((key, index) => {
      const record = records.get(key);
      const field = `imageKeys.${index}`;
      if (!record || record.ownerId !== ownerId || !this.uploads.belongsTo(this.policy, key, ownerId)) {
        throw new BadInputError(messages.imageKeyUnknown, { fields: [{ field, reason: 'imageKeyUnknown', message: messages.imageKeyUnknown[locale] }] });
      }
      if (record.attachedTo) {
        throw new BadInputError(messages.imageKeyUsed, { fields: [{ field, reason: 'imageKeyUsed', message: messages.imageKeyUsed[locale] }] });
      }
    });
    // Two at a time: decoding 10 MB pictures is CPU work shared with everything else.
    for (let i = 0; i < keys.length; i += 2) {
      await Promise.all(
        keys.slice(i, i + 2).map(async (key, offset) => {
          const field = `imageKeys.${i + offset}`;
          await this.uploads.verify(this.policy, key, records.get(key)!.contentType as KnownContentType, field);
          await this.uploads.thumbnail(this.policy, key, field);
        }),
      );
    }
  }

  /** Marks the keys used by the product, in the product's transaction; returns how many were still free. */
  attach(tx: Tx, keys: readonly string[], ownerId: string, productId: string): Promise<number> {
    return this.repository.attach(tx, keys, ownerId, productId);
  }

  urls(keys: readonly string[]): Promise<string[]> {
    return Promise.all(keys.map((key) => this.uploads.urlFor(this.policy, key)));
  }

  thumbnailUrls(keys: readonly string[]): Promise<string[]> {
    return Promise.all(keys.map((key) => this.uploads.urlFor(this.policy, thumbnailKey(key))));
  }
}
