// Sign-up with a provider (issue 20.4) and unlinking. An identity that is not linked, from a
// provider on OIDC_SIGNUP_PROVIDERS, whose email the provider verified and no account holds,
// becomes a pending sign-up: the browser goes to the app with ?oidc=sign_up&code=<one-time code,
// 10 minutes>, the app asks for a nickname and calls completeOidcSignUp(code, nickname), which
// creates the account (EMAIL and OAUTH verified, the identity linked, no password) and signs in.
// An email that an account already holds is never joined here: linking stays the explicit,
// browser-bound action of oidc-service.ts. unlinkOidcIdentity removes a link unless it is the
// account's last way to sign in (no password and no other identity).
import { BadInputError, NotFoundError, randomToken, requireIdentity, sha256, UnauthenticatedError, type Redis } from '@anshim/platform';
import type { AuthPayload, AuthService } from '../auth/auth-service.ts';
import { hashPassword } from '../auth/password.ts';
import type { SignInRecorder } from '../auth/sign-in-record.ts';
import type { AuditRepository } from '../audit/audit-repository.ts';
import { transaction, type UserPrisma } from '../database.ts';
import { messages } from '../messages.ts';
import { nicknameSchema, validate, type UserRecord } from '../model.ts';
import type { UserEvents } from '../outbound/user-events.ts';
import type { RequestScope } from '../scope.ts';
import type { AccountDeletionRepository } from '../users/account-deletion-repository.ts';
import { UniqueViolation, type UserRepository } from '../users/user-repository.ts';
import type { OidcRepository } from './oidc-repository.ts';

export const SIGN_UP_CODE_TTL_SECONDS = 10 * 60;
const signUpKey = (code: string) => `oidc:signup:${sha256(code)}`;

interface PendingSignUp {
  provider: string;
  subject: string;
  email: string;
}

export interface OidcSignUpDeps {
  prisma: UserPrisma;
  redis: Redis;
  users: UserRepository;
  identities: OidcRepository;
  accounts: AccountDeletionRepository;
  auth: AuthService;
  /** The sign-up's device is the account's own from the start: its first sign-in is no "new device". */
  signIns: SignInRecorder;
  events: UserEvents;
  audit: AuditRepository;
  afterCommit: () => void;
  /** OIDC_SIGNUP_PROVIDERS. */
  providers: ReadonlySet<string>;
}

export class OidcSignUps {
  constructor(private readonly deps: OidcSignUpDeps) {}

  /** From the callback: a one-time sign-up code when this identity may create an account, else null. */
  async offer(provider: string, result: { subject: string; email: string | null; emailVerified: boolean }): Promise<string | null> {
    if (!this.deps.providers.has(provider) || !result.email || !result.emailVerified) return null;
    const email = result.email.trim().toLowerCase();
    if (await this.deps.users.emailExists(email)) return null;
    const code = randomToken();
    const pending: PendingSignUp = { provider, subject: result.subject, email };
    await this.deps.redis.set(signUpKey(code), JSON.stringify(pending), 'EX', SIGN_UP_CODE_TTL_SECONDS);
    return code;
  }

  /** completeOidcSignUp: the nickname step; the code works once (a bad nickname does not spend it). */
  async complete(scope: RequestScope, code: string, nickname: string): Promise<AuthPayload> {
    const parsed = validate(nicknameSchema, nickname, scope.locale);
    const trimmed = code.trim();
    const raw = trimmed && trimmed.length <= 200 ? await this.deps.redis.getdel(signUpKey(trimmed)) : null;
    if (!raw) throw new UnauthenticatedError(messages.oidcSignUpCodeInvalid);
    const pending = JSON.parse(raw) as PendingSignUp;
    const passwordHash = await hashPassword(randomToken());
    const now = new Date();
    let created: UserRecord;
    try {
      created = await transaction(this.deps.prisma, async (tx) => {
        const user = await this.deps.users.create(tx, { email: pending.email, passwordHash, nickname: parsed, phoneEncrypted: null, phoneHash: null });
        await this.deps.accounts.markPasswordless(tx, user.id);
        // Taken meanwhile (linked to someone, or the same flow finished twice): nothing is kept.
        if (!(await this.deps.identities.link(tx, { provider: pending.provider, subject: pending.subject, userId: user.id, email: pending.email, linkedAt: now }))) {
          throw new UnauthenticatedError(messages.oidcSignUpCodeInvalid);
        }
        await this.deps.events.registered(tx, user, scope.client.deviceId);
        await this.deps.signIns.rememberSignUpDevice(tx, user.id, scope.client, now);
        for (const method of ['EMAIL', 'OAUTH'] as const) {
          await this.deps.users.addVerification(tx, user.id, method, now);
          await this.deps.events.verified(tx, user.id, method, now);
        }
        return user;
      });
    } catch (error) {
      // Someone registered this email with a password in the meantime: they link explicitly.
      if (error instanceof UniqueViolation) throw new UnauthenticatedError(messages.oidcSignUpCodeInvalid);
      throw error;
    }
    this.deps.afterCommit();
    return this.deps.auth.signInAs(scope, created.id);
  }

  /** unlinkOidcIdentity: refused when it is the last way to sign in; nothing changes then. */
  async unlink(scope: RequestScope, providerName: string): Promise<UserRecord> {
    const { userId } = requireIdentity(scope);
    const provider = providerName.trim().toLowerCase();
    const linked = await this.deps.identities.listOf(userId);
    if (!linked.some((identity) => identity.provider === provider)) throw new NotFoundError(messages.oidcNotLinked, { field: 'provider' });
    if (linked.length === 1 && !(await this.deps.accounts.hasPassword(userId))) {
      throw new BadInputError(messages.oidcLastSignInMethod, { reason: 'LAST_SIGN_IN_METHOD', fields: [{ field: 'provider', reason: 'lastSignInMethod', message: messages.oidcLastSignInMethod[scope.locale] }] });
    }
    await transaction(this.deps.prisma, async (tx) => {
      // Checked again under the account's lock: two unlinks at once must not remove the last two ways in.
      await this.deps.accounts.lock(tx, userId);
      if (!(await this.deps.identities.unlink(tx, userId, provider))) throw new NotFoundError(messages.oidcNotLinked, { field: 'provider' });
      if ((await this.deps.identities.countOf(tx, userId)) === 0 && !(await this.deps.accounts.hasPassword(userId, tx))) {
        throw new BadInputError(messages.oidcLastSignInMethod, { reason: 'LAST_SIGN_IN_METHOD', fields: [{ field: 'provider', reason: 'lastSignInMethod', message: messages.oidcLastSignInMethod[scope.locale] }] });
      }
      await this.deps.audit.record(tx, { actorId: userId, action: 'user.oidc_unlinked', subjectId: userId, after: { provider }, requestId: scope.requestId ?? null });
    });
    scope.loaders.user.clear(userId);
    const user = await this.deps.users.findById(userId);
    if (!user) throw new UnauthenticatedError(messages.sessionExpired);
    return user;
  }
}
