// Leaving (issue 20.6): deleteAccount(password). In one transaction with the audit row and
// user.deleted: the account row is anonymised (email, nickname, phone, bio, region, photo,
// settings; an unusable password) and the rows that only describe the person go (guardians and
// their invitations, linked identities, devices, challenges, verifications); every refresh token
// is revoked. After the commit every access token stops working at once (the gateway's
// revoked-before key) and the photo files are deleted. Kept, for FRAUD_RECORD_RETENTION_DAYS:
// the audit log (sanctions included; the report service keeps accepted reports and payment
// identifier hashes by its own rules), and, when the account was ever suspended or banned, the
// keyed lookup hash of its verified phone in `retired_phones`, so no other account can bind that
// number again meanwhile (PhoneBinder refuses it like any number held elsewhere). Chat messages
// stay until chat's own retention (CHAT_RETENTION_DAYS) deletes them: they are evidence for
// reports. See docs/security/privacy.md.
import { randomToken, requireIdentity, UnauthenticatedError } from '@anshim/platform';
import type { AuditRepository } from '../audit/audit-repository.ts';
import { hashPassword, verifyPassword } from '../auth/password.ts';
import type { TokenRevocations } from '../auth/token-revocations.ts';
import { transaction, type UserPrisma } from '../database.ts';
import { messages } from '../messages.ts';
import type { UserEvents } from '../outbound/user-events.ts';
import type { RequestScope } from '../scope.ts';
import type { AccountDeletionRepository } from './account-deletion-repository.ts';
import type { ProfilePhotoRepository } from './profile-photo-repository.ts';

/** How long what fraud prevention keeps outlives the account (README, docs/security/privacy.md). */
export const FRAUD_RECORD_RETENTION_DAYS = 5 * 365;

export interface AccountDeletionDeps {
  prisma: UserPrisma;
  deletions: AccountDeletionRepository;
  photos: ProfilePhotoRepository;
  audit: AuditRepository;
  events: UserEvents;
  revocations: TokenRevocations;
  afterCommit: () => void;
  /** Deletes stored files (the profile photo, open uploads, ID card photos) after the commit. */
  removeFiles: (keys: string[]) => Promise<void>;
}

export class AccountDeletionService {
  constructor(private readonly deps: AccountDeletionDeps) {}

  async delete(scope: RequestScope, password: string): Promise<boolean> {
    const { userId } = requireIdentity(scope);
    const facts = await this.deps.deletions.facts(userId);
    if (!facts || facts.deletedAt) throw new UnauthenticatedError(messages.sessionExpired);
    // An account made through a provider has no password anyone knows: every answer is wrong.
    const matches = facts.hasPassword && password.length <= 200 && (await verifyPassword(facts.passwordHash, password));
    if (!matches) throw new UnauthenticatedError(messages.deletePasswordWrong, { reason: 'WRONG_PASSWORD' });

    const now = new Date();
    const unusable = await hashPassword(randomToken());
    const files = await transaction(this.deps.prisma, async (tx) => {
      await this.deps.deletions.lock(tx, userId);
      const current = await this.deps.deletions.facts(userId, tx);
      if (!current || current.deletedAt) throw new UnauthenticatedError(messages.sessionExpired);
      const sanctioned = await this.deps.deletions.wasSanctioned(tx, userId);
      const phoneRetired = sanctioned && current.phoneHash !== null;
      if (phoneRetired) {
        await this.deps.deletions.retirePhone(tx, {
          phoneHash: current.phoneHash!,
          deletedUserId: userId,
          reason: 'DELETED_AFTER_SANCTION',
          retainUntil: new Date(now.getTime() + FRAUD_RECORD_RETENTION_DAYS * 86_400_000),
        });
      }
      await this.deps.deletions.forgetExpiredPhones(now, tx);
      const uploads = await this.deps.photos.forgetUploadsOf(tx, userId);
      const idCardPhotos = await this.deps.deletions.anonymise(tx, userId, {
        email: `deleted-${userId}@deleted.invalid`,
        nickname: messages.deletedMemberName.ko,
        passwordHash: unusable,
        at: now,
      });
      await this.deps.audit.record(tx, {
        actorId: userId,
        action: 'user.deleted',
        subjectId: userId,
        after: { phoneRetired, sanctioned, retainUntil: new Date(now.getTime() + FRAUD_RECORD_RETENTION_DAYS * 86_400_000).toISOString() },
        requestId: scope.requestId ?? null,
      });
      await this.deps.events.deleted(tx, userId, messages.deletedMemberName.ko, now);
      return [...(current.photoKey ? [current.photoKey] : []), ...uploads, ...idCardPhotos];
    });
    this.deps.afterCommit();
    // Every access token issued until now stops at the gateway; open sockets close.
    await this.deps.revocations.revokeAllBefore(userId, now, 'SESSIONS_REVOKED');
    await this.deps.removeFiles(files).catch((error: unknown) => scope.logger.warn({ err: error, userId }, 'could not delete every file of a deleted account'));
    scope.loaders.user.clear(userId);
    return true;
  }
}
