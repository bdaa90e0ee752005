// Guardians: up to 3 people (family, carers) a user names to be told by SMS when they are about to
// deal with someone risky. Adding one sends the guardian an invitation code; the user enters that
// code (the guardian tells it to them), which proves the guardian agreed. Codes follow the one-time
// code rules of model.ts, as verification codes do (6 digits, keyed hash, 10 minutes, 5 tries). Only the user sees the
// whole number; an ADMIN sees it masked; anyone else sees no guardians at all.
// An invitation is an SMS to a number the member chose, so it is rationed (per member and per
// destination number, per rolling day, counted in PostgreSQL so restarts and replicas share the
// count) and its text is fixed: it names the member only by their verified nickname.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { BadInputError, charLength, ConflictError, ForbiddenError, isUuid, NotFoundError, RateLimitedError, requireIdentity, safeEqual, UnauthenticatedError, type FieldCipher } from '@anshim/platform';
import { transaction, type Tx, type UserPrisma } from '../database.ts';
import type { DeliveryProvider } from '../delivery/delivery.ts';
import { guardianTexts, messages } from '../messages.ts';
import { CODE_TTL_MS, deliveryUnavailableError, formatPhone, MAX_CODE_ATTEMPTS, maskPhone, newCode, normalizePhone, typedCode, validate, wrongCodeError, type UserRecord } from '../model.ts';
import { isSelf, type RequestScope } from '../scope.ts';
import { DuplicateGuardian, type GuardianRecord, type GuardianRepository } from './guardian-repository.ts';
import { verifiedNickname } from './sms-nickname.ts';

export const MAX_GUARDIANS = 3;

/** A guardian as the API shows it (the Guardian type). */
export interface GuardianView {
  id: string;
  name: string;
  phone: string;
  relation: string;
  confirmedAt: Date | null;
  /** The member's own choice: shown to the member only (an ADMIN sees false). */
  approvesPayments: boolean;
}

const text = (max: number, empty: string, tooLong: string) =>
  z
    .string(empty)
    .trim()
    .min(1, empty)
    .refine((v) => charLength(v) <= max, tooLong)
    .refine((v) => !/[\p{Cc}\u202A-\u202E\u2066-\u2069]/u.test(v), 'invalidInput');

const guardianSchema = z.object({
  name: text(30, 'guardianNameEmpty', 'guardianNameTooLong'),
  relation: text(20, 'guardianRelationEmpty', 'guardianRelationTooLong'),
  phone: z
    .string('guardianPhoneRequired')
    .transform((value, ctx) => {
      const normalized = normalizePhone(value);
      if (!normalized) {
        ctx.addIssue({ code: 'custom', message: value.trim() ? 'phoneInvalid' : 'guardianPhoneRequired' });
        return z.NEVER;
      }
      return normalized;
    }),
});
export type GuardianInput = z.input<typeof guardianSchema>;

/** Daily rations of invitation SMS (GUARDIAN_INVITES_* in env.ts). */
export interface GuardianInviteLimits {
  perMember: number;
  perNumber: number;
  windowSeconds: number;
}

export interface GuardianServiceDeps {
  prisma: UserPrisma;
  guardians: GuardianRepository;
  delivery: DeliveryProvider;
  cipher: FieldCipher;
  limits: GuardianInviteLimits;
}

export class GuardianService {
  constructor(private readonly deps: GuardianServiceDeps) {}

  /** The user themself (whole numbers) or an ADMIN (masked numbers); anyone else gets []. */
  async listOf(scope: RequestScope, user: Pick<UserRecord, 'id'>): Promise<GuardianView[]> {
    const self = isSelf(scope, user.id);
    if (!self && scope.identity?.role !== 'ADMIN') return [];
    const rows = await this.deps.guardians.listOf(user.id);
    return rows.map((row) => this.view(row, self));
  }

  async add(scope: RequestScope, input: GuardianInput): Promise<GuardianView> {
    const identity = requireIdentity(scope);
    const parsed = validate(guardianSchema, input, scope.locale);
    const user = await scope.loaders.user.load(identity.userId);
    if (!user) throw new UnauthenticatedError(messages.signInFirst);
    const ownPhone = user.phoneEncrypted ? this.deps.cipher.decrypt(user.phoneEncrypted) : null;
    if (ownPhone === parsed.phone) throw new BadInputError(messages.guardianOwnPhone, { field: 'phone' });

    const id = randomUUID();
    const invitationId = randomUUID();
    const code = newCode();
    const phoneHash = this.deps.cipher.lookupHash(`guardian:${parsed.phone}`);
    const row = await transaction(this.deps.prisma, async (tx) => {
      await this.deps.guardians.lockUser(tx, user.id);
      if ((await this.deps.guardians.countOf(tx, user.id)) >= MAX_GUARDIANS) throw new BadInputError(messages.guardianLimit, { max: MAX_GUARDIANS });
      await this.deps.guardians.lockNumber(tx, phoneHash);
      let created: GuardianRecord;
      try {
        created = await this.deps.guardians.create(tx, {
          id,
          userId: user.id,
          name: parsed.name,
          relation: parsed.relation,
          phoneEncrypted: this.deps.cipher.encrypt(parsed.phone),
          phoneHash,
          codeHash: this.codeHash(id, code),
          codeExpiresAt: new Date(Date.now() + CODE_TTL_MS),
        });
      } catch (error) {
        if (error instanceof DuplicateGuardian) throw new ConflictError(messages.guardianDuplicate, { field: 'phone' });
        throw error;
      }
      // After the duplicate check (a number already named is a CONFLICT, not a spent ration);
      // a refusal rolls the new guardian row back with the transaction.
      await this.checkInvitationRations(tx, user.id, phoneHash);
      await this.deps.guardians.recordInvitation(tx, { id: invitationId, userId: user.id, phoneHash });
      return created;
    });

    try {
      const verifications = await scope.loaders.verifications.load(user.id);
      const userNickname = verifiedNickname(user.nickname, verifications.map((v) => v.method));
      await this.deps.delivery.sendSms({ to: parsed.phone, text: guardianTexts.invitation({ userNickname, code }) });
    } catch (error) {
      // An invitation nobody received must not hold one of the three places, nor a day's ration.
      await this.deps.guardians.delete(id);
      await this.deps.guardians.forgetInvitation(invitationId);
      scope.logger.error({ err: error }, 'could not deliver a guardian invitation');
      throw deliveryUnavailableError();
    }
    return this.view(row, true);
  }

  /** RATE_LIMITED when this member, or anyone, already sent this number its day's invitations. */
  private async checkInvitationRations(tx: Tx, userId: string, phoneHash: string): Promise<void> {
    const { perMember, perNumber, windowSeconds } = this.deps.limits;
    const since = new Date(Date.now() - windowSeconds * 1000);
    const retryAfter = (oldest: Date | null) => Math.max(1, Math.ceil(((oldest ?? new Date()).getTime() + windowSeconds * 1000 - Date.now()) / 1000));
    const byMember = await this.deps.guardians.invitationsSince(tx, { userId }, since);
    if (byMember.count >= perMember) {
      throw new RateLimitedError(messages.guardianInvitesPerMember(perMember), retryAfter(byMember.oldest), { reason: 'GUARDIAN_INVITES_PER_MEMBER', max: perMember });
    }
    const toNumber = await this.deps.guardians.invitationsSince(tx, { phoneHash }, since);
    if (toNumber.count >= perNumber) {
      throw new RateLimitedError(messages.guardianInvitesPerNumber, retryAfter(toNumber.oldest), { reason: 'GUARDIAN_INVITES_PER_NUMBER', field: 'phone' });
    }
  }

  /** The user enters the code their guardian received. */
  async confirm(scope: RequestScope, guardianId: string, code: string): Promise<GuardianView> {
    const guardian = await this.ownGuardian(scope, guardianId);
    if (guardian.confirmedAt) return this.view(guardian, true);
    if (guardian.attempts >= MAX_CODE_ATTEMPTS) throw new BadInputError(messages.guardianCodeLocked, { field: 'guardianId' });
    if (guardian.codeExpiresAt.getTime() <= Date.now()) throw new BadInputError(messages.guardianCodeExpired, { field: 'code' });
    const typed = typedCode(code);

    if (!safeEqual(this.codeHash(guardian.id, typed), guardian.codeHash)) {
      const attempts = await this.deps.guardians.recordWrongAttempt(guardian.id);
      if (attempts === null) throw new NotFoundError(messages.guardianNotFound, { field: 'guardianId' });
      throw wrongCodeError(attempts, messages.guardianCodeLocked);
    }
    const confirmed = (await this.deps.guardians.confirm(guardian.id, new Date())) ?? (await this.deps.guardians.findById(guardian.id));
    if (!confirmed) throw new NotFoundError(messages.guardianNotFound, { field: 'guardianId' });
    return this.view(confirmed, true);
  }

  /**
   * setGuardianApprovesPayments: the member's own confirmed guardian only (an unconfirmed one never
   * proved they agreed to be asked, so their phone must not receive payment codes).
   */
  async setApprovesPayments(scope: RequestScope, guardianId: string, approvesPayments: boolean): Promise<GuardianView> {
    const guardian = await this.ownGuardian(scope, guardianId);
    if (!guardian.confirmedAt) throw new ConflictError(messages.guardianNotConfirmed, { field: 'guardianId', reason: 'GUARDIAN_NOT_CONFIRMED' });
    const updated = await this.deps.guardians.setApprovesPayments(guardian.id, approvesPayments);
    if (!updated) throw new NotFoundError(messages.guardianNotFound, { field: 'guardianId' });
    return this.view(updated, true);
  }

  async remove(scope: RequestScope, guardianId: string): Promise<boolean> {
    const guardian = await this.ownGuardian(scope, guardianId);
    return this.deps.guardians.delete(guardian.id);
  }

  /** Unknown → NOT_FOUND; someone else's → FORBIDDEN. */
  private async ownGuardian(scope: RequestScope, guardianId: string): Promise<GuardianRecord> {
    const identity = requireIdentity(scope);
    const guardian = isUuid(guardianId) ? await this.deps.guardians.findById(guardianId) : null;
    if (!guardian) throw new NotFoundError(messages.guardianNotFound, { field: 'guardianId' });
    if (guardian.userId !== identity.userId) throw new ForbiddenError(messages.guardianNotYours);
    return guardian;
  }

  private view(row: GuardianRecord, self: boolean): GuardianView {
    const phone = this.deps.cipher.decrypt(row.phoneEncrypted);
    return { id: row.id, name: row.name, relation: row.relation, phone: self ? formatPhone(phone) : maskPhone(phone), confirmedAt: row.confirmedAt, approvesPayments: self && row.approvesPayments };
  }

  /** Keyed by the data key and bound to the guardian row, like verification codes. */
  private codeHash(guardianId: string, code: string): string {
    return this.deps.cipher.lookupHash(`guardian:${guardianId}:${code}`);
  }
}
