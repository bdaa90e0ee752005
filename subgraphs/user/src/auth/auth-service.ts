// Registration and sessions: argon2id passwords, 15-minute access JWTs, opaque refresh tokens
// rotated on every use (reuse of an old one revokes its whole family), logout that blacklists
// the access token until it would have expired anyway (ARCHITECTURE §8).
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  charLength,
  ConflictError,
  ForbiddenError,
  randomToken,
  requireIdentity,
  sha256,
  signAccessToken,
  UnauthenticatedError,
  verifyAccessToken,
  type FieldCipher,
  type Logger,
  type Redis,
} from '@anshim/platform';
import { transaction, type Tx, type UserPrisma } from '../database.ts';
import { accountMessages, messages } from '../messages.ts';
import { effectiveStatus, nicknameSchema, normalizeEmail, phoneInputSchema, validate, type UserRecord } from '../model.ts';
import type { UserEvents } from '../outbound/user-events.ts';
import type { RequestScope } from '../scope.ts';
import { UniqueViolation, type UserRepository } from '../users/user-repository.ts';
import { burnPasswordCheck, hashPassword, verifyPassword } from './password.ts';
import type { RegisterThrottle } from './register-throttle.ts';
import type { SessionRepository } from './session-repository.ts';
import type { SignInMethod, SignInRecorder } from './sign-in-record.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';
import type { TokenRevocations } from './token-revocations.ts';
import { describeClient } from './client-description.ts';
import { guessablePassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './password-policy.ts';
import type { Credentials } from '../users/user-repository.ts';
import type { ClientInfo } from '@anshim/platform';

const emailSchema = z
  .string('emailInvalid')
  .trim()
  .toLowerCase()
  .max(254, 'emailInvalid')
  .pipe(z.email('emailInvalid'));

const registerSchema = z
  .object({
    email: emailSchema,
    // Length in characters, not bytes; the upper bound keeps hashing cheap for the server.
    password: z
      .string('passwordTooShort')
      .refine((v) => charLength(v) >= MIN_PASSWORD_LENGTH, 'passwordTooShort')
      .refine((v) => charLength(v) <= MAX_PASSWORD_LENGTH, 'passwordTooLong'),
    nickname: nicknameSchema,
    phone: phoneInputSchema,
  })
  // The same rules as a new password at reset or change (password-policy.ts): not the email, not a common one.
  .superRefine((input, ctx) => {
    const guessable = guessablePassword(input.password, input.email);
    if (guessable) ctx.addIssue({ code: 'custom', path: ['password'], message: guessable });
  });
export type RegisterInput = z.input<typeof registerSchema>;

export interface AuthPayload {
  accessToken: string;
  refreshToken: string;
  user: UserRecord;
}

export interface AuthServiceDeps {
  prisma: UserPrisma;
  users: UserRepository;
  sessions: SessionRepository;
  events: UserEvents;
  cipher: FieldCipher;
  redis: Redis;
  jwtSecret: string;
  refreshTokenTtlDays: number;
  logger: Logger;
  afterCommit: () => void;
  /** Per-email back-off of password sign-ins (sign-in-throttle.ts). */
  signInThrottle: SignInThrottle;
  /** Per-email-domain ration of sign-ups (register-throttle.ts). */
  registerThrottle: RegisterThrottle;
  revocations: TokenRevocations;
  /** Known devices and user.signed_in, in each sign-in's transaction. */
  signIns: SignInRecorder;
  /**
   * Whether a password sign-in needs a second factor (two-factor.ts); login refuses those accounts.
   * `adminNeedsIt`: this account's sessions must come from the second factor (an ADMIN in production).
   */
  secondFactor?: { reasonFor(scope: RequestScope, user: UserRecord): Promise<string | null>; adminNeedsIt(user: UserRecord): boolean };
  /** A sign-in from a device the account never used owes the member a notice, in the sign-in's transaction. */
  newDeviceNotice?: { owe(tx: Tx, userId: string, client: ClientInfo): Promise<void>; sendSoon(): void };
}

/** Redis: which refresh family an access token belongs to, so logout can end that session. */
export const sessionKey = (jti: string) => `auth:session:${jti}`;
/** Redis: the access tokens (jti) issued to a refresh family, so revoking a session stops them at once. */
export const familyTokensKey = (familyId: string) => `auth:family-tokens:${familyId}`;

/** Thrown inside a rotation transaction when the token was claimed concurrently; rolls it back. */
class TokenReused extends Error {}

export class AuthService {
  constructor(private readonly deps: AuthServiceDeps) {}

  /** Set once at composition (account-security.ts): those services are built on this one. */
  useAccountSecurity(hooks: Pick<AuthServiceDeps, 'secondFactor' | 'newDeviceNotice'>): void {
    this.deps.secondFactor = hooks.secondFactor;
    this.deps.newDeviceNotice = hooks.newDeviceNotice;
  }

  async register(scope: RequestScope, input: RegisterInput): Promise<AuthPayload> {
    const parsed = validate(registerSchema, input, scope.locale);
    // The demo seed signs up 200 members of one domain; only with the development allowance.
    if (!scope.devAllowance) await this.deps.registerThrottle.charge(parsed.email);
    if (await this.deps.users.emailExists(parsed.email)) throw new ConflictError(messages.emailTaken, { field: 'email' });
    const passwordHash = await hashPassword(parsed.password);

    const refreshToken = randomToken();
    const familyId = randomUUID();
    const user = await transaction(this.deps.prisma, async (tx) => {
      let created: UserRecord;
      try {
        created = await this.deps.users.create(tx, {
          email: parsed.email,
          passwordHash,
          nickname: parsed.nickname,
          // Never bound here: the number waits for its SMS code, and nothing in this answer may tell
          // whether another account holds it (requestVerification / confirmVerification bind it).
          phoneEncrypted: null,
          phoneHash: null,
          pendingPhoneEncrypted: parsed.phone ? this.deps.cipher.encrypt(parsed.phone) : null,
        });
      } catch (error) {
        // Someone registered the same email between our check and the insert.
        if (error instanceof UniqueViolation) throw new ConflictError(messages.emailTaken, { field: 'email' });
        throw error;
      }
      await this.deps.events.registered(tx, created, scope.client.deviceId);
      await this.deps.signIns.rememberSignUpDevice(tx, created.id, scope.client, created.createdAt);
      await this.storeRefreshToken(tx, created.id, familyId, refreshToken, this.sessionClient(scope));
      return created;
    });
    this.deps.afterCommit();
    scope.loaders.user.prime(user.id, user);
    return this.payload(scope, user, familyId, refreshToken);
  }

  async login(scope: RequestScope, email: string, password: string): Promise<AuthPayload> {
    const credentials = await this.checkPassword(email, password);
    const user = await scope.loaders.user.load(credentials.id);
    if (!user) throw new UnauthenticatedError(messages.wrongCredentials);
    // Old apps call login: an account that needs a second factor is told to use signIn, never let in.
    const reason = await this.deps.secondFactor?.reasonFor(scope, user);
    if (reason) throw new ForbiddenError(accountMessages.useSignIn, { reason: 'SECOND_FACTOR_REQUIRED', use: 'signIn' });
    return this.openSession(scope, user, 'PASSWORD');
  }

  /**
   * The password half of every password sign-in (login, signIn, setTwoFactor, changePassword):
   * throttled per email, the same answer and time for an unknown email as for a wrong password,
   * sanctions revealed only after the password matched.
   */
  async checkPassword(email: string, password: string): Promise<Credentials> {
    // No account can have a longer password (registration caps it); do not spend argon2 on it.
    if (charLength(password) > MAX_PASSWORD_LENGTH) throw new UnauthenticatedError(messages.wrongCredentials);
    const normalized = normalizeEmail(email);
    // Counted before the password is checked: during a back-off even the right one is refused.
    const attempt = await this.deps.signInThrottle.begin(normalized);
    const credentials = await this.deps.users.findCredentials(normalized);
    // Unknown email and wrong password look the same: in words, in time, even in the stack.
    const matches = credentials ? await verifyPassword(credentials.passwordHash, password) : await burnPasswordCheck(password);
    if (!credentials || !matches) {
      await attempt.failed(credentials ? { email: normalized } : null);
      throw new UnauthenticatedError(messages.wrongCredentials);
    }
    await attempt.succeeded();
    // Only after the password matched may the answer reveal that the account is sanctioned.
    this.assertMayEnter(credentials);
    return credentials;
  }

  /**
   * A new session family for a user who proved who they are (password, second factor). `claim`
   * runs first in the session's transaction (completeSignIn spends its challenge there).
   */
  async openSession(scope: RequestScope, user: UserRecord, method: SignInMethod, claim?: (tx: Tx) => Promise<void>): Promise<AuthPayload> {
    const refreshToken = randomToken();
    const familyId = randomUUID();
    await this.startSession(scope, user.id, familyId, refreshToken, method, claim);
    return this.payload(scope, user, familyId, refreshToken);
  }

  /**
   * A new session for a user who proved who they are some other way (an OpenID Connect provider
   * through a one-time code). Sanctions apply as for a password sign-in.
   */
  async signInAs(scope: RequestScope, userId: string): Promise<AuthPayload> {
    const user = await scope.loaders.user.load(userId);
    if (!user) throw new UnauthenticatedError(messages.sessionExpired);
    this.assertMayEnter(user);
    // A provider's sign-in is no way around the SMS code: a two-factor account (or an ADMIN in
    // production) is told to sign in with signIn. A new device alone does not refuse it: the
    // provider's own sign-in already proved the person, and a password-less account has no signIn.
    const reason = await this.deps.secondFactor?.reasonFor(scope, user);
    if (reason === 'TWO_FACTOR' || reason === 'ADMIN') throw new ForbiddenError(accountMessages.useSignIn, { reason: 'SECOND_FACTOR_REQUIRED', use: 'signIn' });
    const refreshToken = randomToken();
    const familyId = randomUUID();
    await this.startSession(scope, user.id, familyId, refreshToken, 'OAUTH');
    return this.payload(scope, user, familyId, refreshToken);
  }

  async refresh(scope: RequestScope, refreshToken: string): Promise<AuthPayload> {
    const now = new Date();
    const stored = await this.deps.sessions.findByHash(sha256(refreshToken));
    if (!stored || stored.revokedAt) throw new UnauthenticatedError(messages.sessionExpired);
    if (stored.usedAt) {
      // A rotated token came back: it was copied. End the session for the thief and the owner.
      await this.revokeFamilyAfterReuse(stored.familyId, stored.userId, now);
      throw new UnauthenticatedError(messages.sessionExpired);
    }
    if (stored.expiresAt.getTime() <= now.getTime()) throw new UnauthenticatedError(messages.sessionExpired);
    const user = await scope.loaders.user.load(stored.userId);
    if (!user) throw new UnauthenticatedError(messages.sessionExpired);
    try {
      this.assertMayEnter(user);
      // A member made ADMIN (in the database) while signed in with a password keeps no such session.
      if (!stored.secondFactor && this.deps.secondFactor?.adminNeedsIt(user)) {
        throw new ForbiddenError(accountMessages.useSignIn, { reason: 'SECOND_FACTOR_REQUIRED', use: 'signIn' });
      }
    } catch (error) {
      await this.deps.sessions.revokeFamily(stored.familyId, now);
      throw error;
    }

    const next = randomToken();
    try {
      await transaction(this.deps.prisma, async (tx) => {
        if (!(await this.deps.sessions.claim(tx, stored.id, now))) throw new TokenReused();
        // The family keeps the device, client and second factor it was opened with.
        await this.storeRefreshToken(tx, user.id, stored.familyId, next, { deviceId: stored.deviceId, client: stored.client, secondFactor: stored.secondFactor });
        await this.deps.signIns.record(tx, user.id, 'REFRESH', scope.client, now);
      });
    } catch (error) {
      if (!(error instanceof TokenReused)) throw error;
      await this.revokeFamilyAfterReuse(stored.familyId, stored.userId, now);
      throw new UnauthenticatedError(messages.sessionExpired);
    }
    this.deps.afterCommit();
    return this.payload(scope, user, stored.familyId, next);
  }

  /**
   * Ends the caller's session: the access token's jti is blacklisted until it expires (the
   * gateway refuses blacklisted tokens) and its refresh family is revoked. The token comes from
   * the `Authorization` header the gateway forwards; it must belong to the signed identity.
   */
  async logout(scope: RequestScope): Promise<boolean> {
    const identity = requireIdentity(scope);
    const now = new Date();
    const bearer = /^Bearer\s+(\S+)$/i.exec(scope.authorization ?? '')?.[1];
    const checked = bearer ? await verifyAccessToken(this.deps.jwtSecret, bearer) : undefined;
    if (!checked?.ok || checked.claims.userId !== identity.userId) {
      // Without the token we cannot tell which session is meant: end them all rather than none.
      scope.logger.warn({ userId: identity.userId, reason: bearer ? 'token-mismatch' : 'no-token' }, 'logout without a usable access token; revoking every session');
      await this.deps.sessions.revokeAllOfUser(identity.userId, now);
      return true;
    }
    const { jti, exp } = checked.claims;
    const ttl = Math.max(1, exp - Math.floor(now.getTime() / 1000));
    const familyId = await this.deps.redis.get(sessionKey(jti));
    // Blacklisted and announced: open graphql-ws connections with this token close too.
    await this.deps.revocations.revokeToken(identity.userId, jti, ttl, (multi) => multi.del(sessionKey(jti)));
    if (familyId) await this.deps.sessions.revokeFamily(familyId, now);
    else await this.deps.sessions.revokeAllOfUser(identity.userId, now);
    return true;
  }

  assertMayEnter(user: { status: UserRecord['status']; statusUntil: Date | null }): void {
    const status = effectiveStatus(user);
    if (status === 'BANNED') throw new ForbiddenError(messages.banned, { status });
    if (status === 'SUSPENDED') {
      throw new ForbiddenError(messages.suspendedUntil(user.statusUntil), { status, until: user.statusUntil?.toISOString() ?? null });
    }
  }

  /** A new session family, its user.signed_in and a new device's notice commit together; the relay and the sender are nudged after. */
  private async startSession(scope: RequestScope, userId: string, familyId: string, refreshToken: string, method: SignInMethod, claim?: (tx: Tx) => Promise<void>): Promise<void> {
    const newDevice = await transaction(this.deps.prisma, async (tx) => {
      await claim?.(tx);
      await this.storeRefreshToken(tx, userId, familyId, refreshToken, { ...this.sessionClient(scope), secondFactor: method === 'SECOND_FACTOR' });
      const isNew = await this.deps.signIns.record(tx, userId, method, scope.client);
      if (isNew) await this.deps.newDeviceNotice?.owe(tx, userId, scope.client);
      return isNew;
    });
    this.deps.afterCommit();
    if (newDevice) this.deps.newDeviceNotice?.sendSoon();
  }

  private sessionClient(scope: RequestScope): { deviceId: string | null; client: string | null } {
    return { deviceId: scope.client.deviceId, client: describeClient(scope.client.userAgent) };
  }

  private async storeRefreshToken(tx: Tx, userId: string, familyId: string, token: string, client: { deviceId: string | null; client: string | null; secondFactor?: boolean }): Promise<void> {
    const expiresAt = new Date(Date.now() + this.deps.refreshTokenTtlDays * 24 * 60 * 60 * 1000);
    await this.deps.sessions.create(tx, { familyId, userId, tokenHash: sha256(token), expiresAt, ...client });
  }

  private async revokeFamilyAfterReuse(familyId: string, userId: string, now: Date): Promise<void> {
    const revoked = await this.deps.sessions.revokeFamily(familyId, now);
    this.deps.logger.warn({ userId, familyId, revoked }, 'refresh token reused; session family revoked');
  }

  private async payload(scope: RequestScope, user: UserRecord, familyId: string, refreshToken: string): Promise<AuthPayload> {
    scope.signedInAs = user.id;
    const { token, claims } = await signAccessToken(this.deps.jwtSecret, { userId: user.id, role: user.role });
    try {
      await this.deps.redis
        .multi()
        .set(sessionKey(claims.jti), familyId, 'EX', ACCESS_TOKEN_TTL_SECONDS)
        .sadd(familyTokensKey(familyId), claims.jti)
        .expire(familyTokensKey(familyId), ACCESS_TOKEN_TTL_SECONDS)
        .exec();
    } catch (error) {
      // Sign-in must not fail because the cache is away; logout then ends every session instead.
      this.deps.logger.warn({ err: error }, 'could not record the session of an access token');
    }
    return { accessToken: token, refreshToken, user };
  }
}
