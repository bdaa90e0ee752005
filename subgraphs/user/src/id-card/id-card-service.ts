// ID card verification (issue 9). requestVerification(ID_CARD) opens a check and hands out a
// signed upload URL; the photo (JPEG/PNG, ≤ 10 MB, magic bytes checked) is encrypted by this
// service before it is stored, so plain bytes never reach the disk or the bucket. ADMINs list
// pending checks, open the photo through a short-lived signed URL and approve or reject with a
// reason (audited); approval adds ID_CARD and emits user.verified. Nobody decides their own check.
import { randomBytes, randomUUID } from 'node:crypto';
import { BadInputError, charLength, ConflictError, DAY_MS, ForbiddenError, isUuid, NotFoundError, pick, RateLimitedError, requireAdmin, requireIdentity, type FieldCipher, type Logger } from '@anshim/platform';
import { detectContentType, ID_CARD_POLICY, type StorageDriver } from '@anshim/platform/storage';
import type { AuditRepository } from '../audit/audit-repository.ts';
import { transaction, type UserPrisma } from '../database.ts';
import type { DeliveryProvider } from '../delivery/delivery.ts';
import { messages } from '../messages.ts';
import type { UserEvents } from '../outbound/user-events.ts';
import type { RequestScope } from '../scope.ts';
import type { UserRepository } from '../users/user-repository.ts';
import type { IdCardCheckRecord, IdCardRepository } from './id-card-repository.ts';
import type { IdCardUrls } from './id-card-urls.ts';
import type { VerificationRequirements } from '../verification/verification-requirements.ts';

export const MAX_ID_CARD_REQUESTS_PER_HOUR = 5;

export interface IdCardServiceDeps {
  prisma: UserPrisma;
  users: UserRepository;
  checks: IdCardRepository;
  storage: StorageDriver;
  cipher: FieldCipher;
  urls: IdCardUrls;
  events: UserEvents;
  audit: AuditRepository;
  delivery: DeliveryProvider;
  logger: Logger;
  afterCommit: () => void;
  /** An approved ID card may satisfy the monitor's REQUIRE_VERIFICATION. */
  requirements: VerificationRequirements;
  retentionDays: number;
  photoUrlTtlSeconds: number;
}

export interface IdCardChallenge {
  id: string;
  method: 'ID_CARD';
  sentTo: string;
  expiresAt: Date;
  upload: { key: string; url: string; headers: Record<string, string>; expiresAt: Date; maxBytes: number };
}

/** Why an upload was refused: the HTTP status and what the uploader reads. */
export class IdCardUploadRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: keyof typeof messages.idCardUpload,
  ) {
    super(code);
  }
}

export class IdCardService {
  constructor(private readonly deps: IdCardServiceDeps) {}

  /** requestVerification(ID_CARD): a new check waiting for its photo, and where to PUT it. */
  async request(scope: RequestScope, userId: string): Promise<IdCardChallenge> {
    const now = new Date();
    if (await this.deps.checks.hasPending(userId)) throw new ConflictError(messages.idCardUnderReview, { method: 'ID_CARD' });
    if ((await this.deps.checks.countCreatedSince(userId, new Date(now.getTime() - 60 * 60 * 1000))) >= MAX_ID_CARD_REQUESTS_PER_HOUR) {
      throw new RateLimitedError(messages.idCardTooManyRequests, 3600);
    }
    const id = randomUUID();
    const expiresAt = new Date(now.getTime() + ID_CARD_POLICY.uploadTtlSeconds * 1000);
    await this.deps.checks.open(userId, id, expiresAt, now);
    return {
      id,
      method: 'ID_CARD',
      sentTo: pick(messages.idCardReviewer, scope.locale),
      expiresAt,
      upload: { key: id, url: this.deps.urls.url('upload', id, expiresAt), headers: {}, expiresAt, maxBytes: ID_CARD_POLICY.maxBytes },
    };
  }

  /**
   * The upload route's work once the URL's signature checked out: the bytes must be a JPEG or PNG
   * (by their magic bytes, and matching the declared Content-Type); they are sealed with
   * AES-256-GCM bound to their storage key and stored; the check becomes PENDING.
   */
  async receivePhoto(checkId: string, declaredType: string, bytes: Buffer, now = new Date()): Promise<IdCardCheckRecord> {
    const check = isUuid(checkId) ? await this.deps.checks.findById(checkId) : null;
    if (!check) throw new IdCardUploadRefused(404, 'invalid');
    if (check.status !== 'AWAITING_UPLOAD') throw new IdCardUploadRefused(409, 'used');
    if (check.uploadExpiresAt.getTime() <= now.getTime()) throw new IdCardUploadRefused(403, 'expired');
    if (bytes.length === 0) throw new IdCardUploadRefused(400, 'empty');
    if (bytes.length > ID_CARD_POLICY.maxBytes) throw new IdCardUploadRefused(413, 'tooLarge');
    const type = detectContentType(bytes.subarray(0, 12));
    if (!type || !ID_CARD_POLICY.contentTypes.includes(type) || type !== declaredType) throw new IdCardUploadRefused(415, 'type');

    // A fresh key per upload: a concurrent second PUT never overwrites the file the check points at.
    const key = `${ID_CARD_POLICY.namespace}/${check.userId}/${check.id}-${randomBytes(6).toString('hex')}.sealed`;
    try {
      await this.deps.storage.write(key, this.deps.cipher.encryptBytes(bytes, key), 'application/octet-stream');
    } catch (error) {
      this.deps.logger.error({ err: error, checkId }, 'could not store an ID card photo');
      throw new IdCardUploadRefused(503, 'failed');
    }
    if (!(await this.deps.checks.submit(check.id, { key, contentType: type, size: bytes.length }, now))) {
      await this.deps.storage.remove(key).catch(() => undefined);
      throw new IdCardUploadRefused(409, 'used');
    }
    return (await this.deps.checks.findById(check.id))!;
  }

  /** The photo for the ADMIN route: decrypted in memory, never written anywhere in the clear. */
  async openPhoto(checkId: string): Promise<{ bytes: Buffer; contentType: string } | null> {
    const check = isUuid(checkId) ? await this.deps.checks.findById(checkId) : null;
    if (!check?.photoKey || !check.contentType || check.photoDeletedAt) return null;
    const sealed = await this.deps.storage.read(check.photoKey);
    return { bytes: this.deps.cipher.decryptBytes(sealed, check.photoKey), contentType: check.contentType };
  }

  async mine(scope: RequestScope): Promise<IdCardCheckRecord | null> {
    const identity = requireIdentity(scope);
    return this.deps.checks.latestOf(identity.userId);
  }

  async pending(scope: RequestScope, first: number): Promise<IdCardCheckRecord[]> {
    requireAdmin(scope);
    return this.deps.checks.pending(Math.min(Math.max(first, 1), 100));
  }

  /** Only ADMINs get a link, and only while the photo exists. */
  async photoUrl(scope: RequestScope, check: IdCardCheckRecord): Promise<string | null> {
    if (scope.identity?.role !== 'ADMIN' || !check.photoKey || check.photoDeletedAt) return null;
    return this.deps.urls.url('photo', check.id, new Date(Date.now() + this.deps.photoUrlTtlSeconds * 1000));
  }

  async decide(scope: RequestScope, id: string, decision: 'APPROVE' | 'REJECT', reasonInput: string | null | undefined): Promise<IdCardCheckRecord> {
    const admin = requireAdmin(scope);
    const check = isUuid(id) ? await this.deps.checks.findById(id) : null;
    if (!check) throw new NotFoundError(messages.idCardCheckNotFound, { field: 'id' });
    if (check.userId === admin.userId) throw new ForbiddenError(messages.idCardOwnCheck);
    const reason = reasonInput?.trim() || null;
    if (decision === 'REJECT' && !reason) throw new BadInputError(messages.idCardReasonRequired, { fields: [{ field: 'reason', reason: 'required' }] });
    if (reason && charLength(reason) > 500) throw new BadInputError(messages.idCardReasonTooLong, { fields: [{ field: 'reason', reason: 'tooLong' }] });
    if (check.status !== 'PENDING') throw new ConflictError(messages.idCardNotPending, { status: check.status });

    const now = new Date();
    const status = decision === 'APPROVE' ? 'APPROVED' : 'REJECTED';
    const purgeAfter = new Date(now.getTime() + this.deps.retentionDays * DAY_MS);
    const done = await transaction(this.deps.prisma, async (tx) => {
      if (!(await this.deps.checks.decide(tx, check.id, { status, by: admin.userId, reason, at: now, purgeAfter }))) return false;
      if (status === 'APPROVED') {
        await this.deps.users.addVerification(tx, check.userId, 'ID_CARD', now);
        await this.deps.events.verified(tx, check.userId, 'ID_CARD', now);
        await this.deps.requirements.onVerified(tx, check.userId, now);
      }
      await this.deps.audit.record(tx, {
        actorId: admin.userId,
        action: status === 'APPROVED' ? 'id_card.approve' : 'id_card.reject',
        subjectId: check.userId,
        before: { checkId: check.id, status: check.status },
        after: { checkId: check.id, status, reason },
        requestId: scope.requestId,
      });
      return true;
    });
    if (!done) throw new ConflictError(messages.idCardNotPending);
    this.deps.afterCommit();
    scope.loaders.verifications.clear(check.userId);
    if (status === 'REJECTED') await this.tellRejected(check.userId, reason!);
    return (await this.deps.checks.findById(check.id))!;
  }

  /** The decision is committed; a mail that cannot go out now is logged, the reason stays readable in myIdCardCheck. */
  private async tellRejected(userId: string, reason: string): Promise<void> {
    try {
      const user = await this.deps.users.findById(userId);
      if (user) await this.deps.delivery.sendEmail({ to: user.email, ...messages.idCardRejectedMail(reason) });
    } catch (error) {
      this.deps.logger.warn({ err: error, userId }, 'could not email an ID card rejection');
    }
  }
}
