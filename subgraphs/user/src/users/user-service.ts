// Profiles: who may see what (PII rules), profile changes, and the admin's sanction switch.
// Authorization lives here, not in the gateway: the owner or an ADMIN (ARCHITECTURE §8).
import { z } from 'zod';
import {
  BadInputError,
  charLength,
  ForbiddenError,
  NotFoundError,
  requireAdmin,
  requireIdentity,
  type FieldCipher,
} from '@anshim/platform';
import type { AuditRepository } from '../audit/audit-repository.ts';
import type { SessionRepository } from '../auth/session-repository.ts';
import type { TokenRevocations } from '../auth/token-revocations.ts';
import { transaction, type UserPrisma } from '../database.ts';
import { accountMessages, messages } from '../messages.ts';
import {
  effectiveStatus,
  formatPhone,
  maskPhone,
  nicknameSchema,
  phoneInputSchema,
  SAFETY_GRADES,
  validate,
  type AccountStatus,
  type SafetyGrade,
  type UserRecord,
  type VerificationRecord,
} from '../model.ts';
import type { UserEvents } from '../outbound/user-events.ts';
import { isSelf, type RequestScope } from '../scope.ts';
import { completenessOf } from './profile-completeness.ts';
import { applyStatusChange } from './status-change.ts';
import type { UserChanges, UserRepository } from './user-repository.ts';
import type { RequirementView, VerificationRequirements } from '../verification/verification-requirements.ts';

/** A protected user who never picked a minimum still wants protection: refuse below NORMAL. */
const DEFAULT_PROTECTED_MIN_GRADE: SafetyGrade = 'NORMAL';

/** Free text that may be cleared with null or "". */
const clearableText = (max: number, tooLong: string) =>
  z
    .string()
    .nullish()
    .transform((v) => (v === undefined ? undefined : v === null || v.trim() === '' ? null : v.trim()))
    .refine((v) => v == null || charLength(v) <= max, tooLong);

const profileSchema = z.object({
  nickname: nicknameSchema.nullish().refine((v) => v !== null, 'nicknameEmpty'),
  phone: phoneInputSchema,
  bio: clearableText(500, 'bioTooLong'),
  region: clearableText(50, 'regionTooLong'),
  protectedMode: z.boolean().nullish(),
  minCounterpartGrade: z.enum(SAFETY_GRADES).nullish(),
  protectChats: z.boolean().nullish(),
});
export type ProfileInput = z.input<typeof profileSchema>;

const statusSchema = z
  .object({
    userId: z.string(),
    status: z.enum(['ACTIVE', 'SUSPENDED', 'BANNED']),
    until: z.date().nullish(),
    reason: z.string().trim().min(1, 'reasonRequired').max(500, 'reasonRequired'),
  })
  .superRefine((v, ctx) => {
    if (v.status !== 'SUSPENDED') return;
    if (!v.until) ctx.addIssue({ code: 'custom', path: ['until'], message: 'untilRequired' });
    else if (v.until.getTime() <= Date.now()) ctx.addIssue({ code: 'custom', path: ['until'], message: 'untilInPast' });
  });
export type StatusInput = z.input<typeof statusSchema>;

export interface UserServiceDeps {
  prisma: UserPrisma;
  users: UserRepository;
  sessions: SessionRepository;
  audit: AuditRepository;
  events: UserEvents;
  cipher: FieldCipher;
  revocations: TokenRevocations;
  requirements: VerificationRequirements;
  /** Tells the outbox relay a committed event is waiting. */
  afterCommit: () => void;
}

export class UserService {
  constructor(private readonly deps: UserServiceDeps) {}

  async me(scope: RequestScope): Promise<UserRecord | null> {
    return scope.identity ? scope.loaders.user.load(scope.identity.userId) : null;
  }

  /** Unknown (or malformed) ids give null, never NOT_FOUND: `user(id)` and `_entities` alike. */
  async byId(scope: RequestScope, id: string): Promise<UserRecord | null> {
    return scope.loaders.user.load(id);
  }

  /** Query.searchUsers: ADMIN only; 2-100 characters (an id, part of an email or a nickname), first 1-50. */
  async search(scope: RequestScope, query: string, first: number | null | undefined): Promise<UserRecord[]> {
    requireAdmin(scope);
    const text = query.trim();
    const length = charLength(text);
    if (length < 2 || length > 100) throw new BadInputError(messages.searchQueryLength, { field: 'query' });
    const take = first ?? 20;
    if (!Number.isInteger(take) || take < 1 || take > 50) throw new BadInputError(messages.searchFirstRange, { field: 'first' });
    return this.deps.users.search(text, take);
  }

  /** The user themself or an ADMIN: may see email, whole phone and private settings. */
  canSeePrivate(scope: RequestScope, user: Pick<UserRecord, 'id'>): boolean {
    return isSelf(scope, user.id) || scope.identity?.role === 'ADMIN';
  }

  email(scope: RequestScope, user: UserRecord): string | null {
    return this.canSeePrivate(scope, user) ? user.email : null;
  }

  phone(scope: RequestScope, user: UserRecord): string | null {
    if (!user.phoneEncrypted) return null;
    const plain = this.deps.cipher.decrypt(user.phoneEncrypted);
    return this.canSeePrivate(scope, user) ? formatPhone(plain) : maskPhone(plain);
  }

  /** The number waiting for its SMS code: the user themself or an ADMIN only. */
  pendingPhone(scope: RequestScope, user: UserRecord): string | null {
    if (!user.pendingPhoneEncrypted || !this.canSeePrivate(scope, user)) return null;
    return formatPhone(this.deps.cipher.decrypt(user.pendingPhoneEncrypted));
  }

  status(user: UserRecord): AccountStatus {
    return effectiveStatus(user);
  }

  statusUntil(scope: RequestScope, user: UserRecord): Date | null {
    if (!this.canSeePrivate(scope, user)) return null;
    return effectiveStatus(user) === 'SUSPENDED' ? user.statusUntil : null;
  }

  minCounterpartGrade(scope: RequestScope, user: UserRecord): SafetyGrade | null {
    return this.canSeePrivate(scope, user) ? user.minCounterpartGrade : null;
  }

  /** Why the member is stopped (REQUIRE_VERIFICATION) and what to do: the member themself only. */
  verificationRequirement(scope: RequestScope, user: UserRecord): Promise<RequirementView | null> | null {
    return isSelf(scope, user.id) ? this.deps.requirements.viewOf(user.id, scope.locale) : null;
  }

  /** Whom a member lets start a conversation is their own business: others read null. */
  protectChats(scope: RequestScope, user: UserRecord): boolean | null {
    return this.canSeePrivate(scope, user) ? user.protectChats : null;
  }

  verifications(scope: RequestScope, user: UserRecord): Promise<VerificationRecord[]> {
    return scope.loaders.verifications.load(user.id);
  }

  async completeness(scope: RequestScope, user: UserRecord): Promise<number> {
    return completenessOf(user, await scope.loaders.verifications.load(user.id));
  }

  /** Changes the caller's own profile, or (ADMIN only) another user's, which is audited. */
  async updateProfile(scope: RequestScope, input: ProfileInput, targetUserId?: string | null): Promise<UserRecord> {
    const identity = requireIdentity(scope);
    const targetId = targetUserId ?? identity.userId;
    const byAdmin = targetId !== identity.userId;
    if (byAdmin && identity.role !== 'ADMIN') throw new ForbiddenError(messages.ownProfileOnly);
    const parsed = validate(profileSchema, input, scope.locale);

    const current = await this.deps.users.findById(targetId);
    if (!current) throw new NotFoundError(messages.userNotFound);
    const changes: UserChanges = {};
    const fields: string[] = [];
    if (parsed.nickname != null && parsed.nickname !== current.nickname) {
      changes.nickname = parsed.nickname;
      fields.push('nickname');
    }
    const phone = this.phoneChanges(current, parsed.phone);
    // Two-factor sign-in sends its codes to this number: removing it would lock the member out.
    if (phone.boundChanged && current.twoFactorEnabled) throw new BadInputError(accountMessages.phoneNeededForTwoFactor, { field: 'phone', reason: 'TWO_FACTOR_ON' });
    Object.assign(changes, phone.changes);
    if (phone.boundChanged) fields.push('phone');
    for (const key of ['bio', 'region'] as const) {
      if (parsed[key] !== undefined && parsed[key] !== current[key]) {
        changes[key] = parsed[key];
        fields.push(key);
      }
    }
    if (parsed.protectedMode != null && parsed.protectedMode !== current.protectedMode) {
      changes.protectedMode = parsed.protectedMode;
      fields.push('protectedMode');
    }
    if (parsed.minCounterpartGrade !== undefined && parsed.minCounterpartGrade !== current.minCounterpartGrade) {
      changes.minCounterpartGrade = parsed.minCounterpartGrade;
      fields.push('minCounterpartGrade');
    }
    if (parsed.protectChats != null && parsed.protectChats !== current.protectChats) {
      changes.protectChats = parsed.protectChats;
      fields.push('protectChats');
    }
    const protectedAfter = changes.protectedMode ?? current.protectedMode;
    const minGradeAfter = changes.minCounterpartGrade !== undefined ? changes.minCounterpartGrade : current.minCounterpartGrade;
    if (protectedAfter && minGradeAfter === null) {
      changes.minCounterpartGrade = DEFAULT_PROTECTED_MIN_GRADE;
      if (!fields.includes('minCounterpartGrade')) fields.push('minCounterpartGrade');
    }
    if (fields.length === 0 && !phone.pendingChanged) return current;

    const verifications = await this.deps.users.verificationsOf([targetId]);
    const updated = await transaction(this.deps.prisma, async (tx) => {
      const row = await this.deps.users.update(tx, targetId, changes);
      let remaining = verifications;
      // The bound number was removed: its SMS verification goes with it.
      if (phone.boundChanged && (await this.deps.users.removeVerification(tx, targetId, 'SMS'))) {
        remaining = verifications.filter((v) => v.method !== 'SMS');
        fields.push('verifications');
      }
      // A number waiting for its code changes nothing others know of: no event for it alone.
      if (fields.length > 0) {
        await this.deps.events.profileUpdated(tx, targetId, {
          fields,
          profileCompleteness: completenessOf(row, remaining),
          protectedMode: row.protectedMode,
          minCounterpartGrade: row.minCounterpartGrade,
          protectChats: row.protectChats,
        });
      }
      if (byAdmin) {
        const audited = phone.pendingChanged ? [...fields, 'pendingPhone'] : fields;
        await this.deps.audit.record(tx, {
          actorId: identity.userId,
          action: 'user.profile_updated',
          subjectId: targetId,
          before: this.auditedFields(current, audited),
          after: this.auditedFields(row, audited),
          requestId: scope.requestId,
        });
      }
      return row;
    });
    this.deps.afterCommit();
    scope.loaders.user.clear(targetId).prime(targetId, updated);
    scope.loaders.verifications.clear(targetId);
    return updated;
  }

  /** ADMIN: suspend until a date, ban, or reactivate. Ends the user's sessions on a sanction. */
  async setStatus(scope: RequestScope, input: StatusInput): Promise<UserRecord> {
    const identity = requireAdmin(scope);
    const parsed = validate(statusSchema, input, scope.locale);
    const current = await this.deps.users.findById(parsed.userId);
    if (!current) throw new NotFoundError(messages.userNotFound);
    const until = parsed.status === 'SUSPENDED' ? parsed.until ?? null : null;
    const now = new Date();

    const updated = await transaction(this.deps.prisma, (tx) =>
      applyStatusChange(this.deps, tx, current, {
        status: parsed.status,
        until,
        reason: parsed.reason,
        actorId: identity.userId,
        source: 'admin',
        requestId: scope.requestId,
      }, now),
    );
    this.deps.afterCommit();
    scope.loaders.user.clear(current.id).prime(current.id, updated);
    return updated;
  }

  /**
   * What a `phone` input does. A new number is never bound here: it waits as the pending number
   * for its SMS code (the bound one stays meanwhile), with no lookup of who else may hold it, so the
   * answer is the same either way. The bound number itself only goes away: null or "" removes it
   * (and the pending one); typing the bound number again drops a pending one.
   */
  private phoneChanges(current: UserRecord, input: string | null | undefined): { changes: UserChanges; boundChanged: boolean; pendingChanged: boolean } {
    const changes: UserChanges = {};
    if (input === undefined) return { changes, boundChanged: false, pendingChanged: false };
    const bound = current.phoneEncrypted ? this.deps.cipher.decrypt(current.phoneEncrypted) : null;
    const pending = current.pendingPhoneEncrypted ? this.deps.cipher.decrypt(current.pendingPhoneEncrypted) : null;
    const nextPending = input === null || input === bound ? null : input;
    const boundChanged = input === null && bound !== null;
    if (boundChanged) Object.assign(changes, { phoneEncrypted: null, phoneHash: null });
    const pendingChanged = nextPending !== pending;
    if (pendingChanged) changes.pendingPhoneEncrypted = nextPending === null ? null : this.deps.cipher.encrypt(nextPending);
    return { changes, boundChanged, pendingChanged };
  }

  /** The audited values of changed fields; phone numbers are recorded masked, never in clear. */
  private auditedFields(user: UserRecord, fields: string[]): Record<string, string | boolean | null> {
    const out: Record<string, string | boolean | null> = {};
    for (const field of fields) {
      if (field === 'phone') out.phone = user.phoneEncrypted ? maskPhone(this.deps.cipher.decrypt(user.phoneEncrypted)) : null;
      else if (field === 'pendingPhone') out.pendingPhone = user.pendingPhoneEncrypted ? maskPhone(this.deps.cipher.decrypt(user.pendingPhoneEncrypted)) : null;
      else if (field in user) out[field] = (user as unknown as Record<string, string | boolean | null>)[field] ?? null;
    }
    return out;
  }
}
