// Profile photos (issue 20.5): an upload ticket (JPEG/PNG/WebP, at most 5 MB, within the member's
// quota of open tickets), then setProfilePhoto(key) checks that the key is this member's, still
// open and unused, that the bytes arrived within the limit and are what their type says, and
// publishes the picture re-encoded at most 512×512 with no metadata (no EXIF/GPS is ever served:
// the platform's Uploads.publish). setProfilePhoto(null) removes it. The original upload is
// deleted once attached; tickets never attached are swept (the platform's upload sweep).
import { BadInputError, requireIdentity } from '@anshim/platform';
import { PROFILE_PHOTO_POLICY, type KnownContentType, type Uploads } from '@anshim/platform/storage';
import { transaction, type UserPrisma } from '../database.ts';
import { messages } from '../messages.ts';
import type { UserRecord } from '../model.ts';
import type { RequestScope } from '../scope.ts';
import type { UserRepository } from './user-repository.ts';
import type { ProfilePhotoRepository } from './profile-photo-repository.ts';

export interface PhotoTicket {
  key: string;
  url: string;
  headers: Record<string, string>;
  expiresAt: Date;
  maxBytes: number;
}

export interface ProfilePhotoDeps {
  prisma: UserPrisma;
  uploads: Uploads;
  photos: ProfilePhotoRepository;
  users: UserRepository;
  afterCommit: () => void;
}

export class ProfilePhotoService {
  readonly policy = PROFILE_PHOTO_POLICY;

  constructor(private readonly deps: ProfilePhotoDeps) {}

  async createUpload(scope: RequestScope, contentType: string, size: number): Promise<PhotoTicket> {
    const { userId } = requireIdentity(scope);
    const issued = await this.deps.uploads.issue(this.policy, userId, contentType, size);
    await this.deps.photos.record({ key: issued.key, ownerId: userId, contentType: issued.contentType, expiresAt: issued.ticketExpiresAt });
    return { key: issued.key, url: issued.url, headers: issued.headers, expiresAt: issued.expiresAt, maxBytes: issued.maxBytes };
  }

  /** setProfilePhoto: a key publishes that upload as the photo; null removes the photo. */
  async set(scope: RequestScope, key: string | null | undefined): Promise<UserRecord> {
    const { userId } = requireIdentity(scope);
    const now = new Date();
    let published: string | null = null;
    if (key !== null && key !== undefined) {
      const record = await this.deps.photos.find(key);
      const refuse = (reason: 'photoKeyUnknown' | 'photoKeyUsed' | 'photoKeyExpired') =>
        new BadInputError(messages[reason], { fields: [{ field: 'key', reason, message: messages[reason][scope.locale] }] });
      // Someone else's key looks exactly like a key that never existed.
      if (!record || record.ownerId !== userId || !this.deps.uploads.belongsTo(this.policy, key, userId)) throw refuse('photoKeyUnknown');
      if (record.attachedAt) throw refuse('photoKeyUsed');
      if (record.expiresAt.getTime() <= now.getTime()) throw refuse('photoKeyExpired');
      const type = record.contentType as KnownContentType;
      await this.deps.uploads.verify(this.policy, key, type, 'key');
      published = await this.deps.uploads.publish(this.policy, key, type, 'key');
    }
    let replaced: string | null;
    try {
      replaced = await transaction(this.deps.prisma, async (tx) => {
        if (key && !(await this.deps.photos.attach(tx, key, userId, now))) {
          throw new BadInputError(messages.photoKeyUsed, { fields: [{ field: 'key', reason: 'photoKeyUsed', message: messages.photoKeyUsed[scope.locale] }] });
        }
        return this.deps.photos.swapPhotoKey(tx, userId, published);
      });
    } catch (error) {
      // Not attached: its published copy must not stay reachable.
      if (published) await this.deps.uploads.discard([published]);
      throw error;
    }
    this.deps.afterCommit();
    // After the commit: the private original, and the photo this one replaces, are no longer used.
    await this.deps.uploads.discard([...(key ? [key] : []), ...(replaced ? [replaced] : [])]);
    if (key) await this.deps.uploads.attached(this.policy, userId, [key]).catch(() => undefined);
    scope.loaders.user.clear(userId);
    const user = await this.deps.users.findById(userId);
    if (!user) throw new BadInputError(messages.photoKeyUnknown);
    return user;
  }

  /** User.photoUrl: public to everyone. */
  url(user: { photoKey?: string | null }): Promise<string> | null {
    return user.photoKey ? this.deps.uploads.urlFor(this.policy, user.photoKey) : null;
  }

  /** For the upload sweep. */
  attachedAmong(keys: string[]): Promise<Set<string>> {
    return this.deps.photos.attachedAmong(keys);
  }

  /** Account deletion, after its commit: the published photo and any open uploads are deleted. */
  removeFiles(keys: readonly string[]): Promise<void> {
    return this.deps.uploads.discard(keys);
  }
}
