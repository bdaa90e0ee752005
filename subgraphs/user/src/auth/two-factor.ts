// Two-factor sign-in by SMS (ARCHITECTURE §8). After the password, signIn answers with a
// challenge instead of tokens when the account needs a second factor — the member turned it on,
// an ADMIN in production (always), or, if configured, a sign-in from a device the account never
// used when its safety grade is good enough to be worth stealing — and completeSignIn trades the
// SMS code for the tokens. 5 wrong codes close the challenge. The old `login` refuses these
// accounts (auth-service.ts asks reasonFor) and keeps working for the others.
import { randomUUID } from 'node:crypto';
import {
  BadInputError,
  ForbiddenError,
  isUuid,
  NotFoundError,
  RateLimitedError,
  requireIdentity,
  safeEqual,
  UnauthenticatedError,
  type FieldCipher,
  type Logger,
} from '@anshim/platform';
import type { CounterpartRepository } from '../copies/counterpart-repository.ts';
import { transaction, type UserPrisma } from '../database.ts';
import type { DeliveryProvider } from '../delivery/delivery.ts';
import { accountMessages, messages } from '../messages.ts';
import {
  CODE_TTL_MS,
  deliveryUnavailableError,
  MAX_CODE_ATTEMPTS,
  maskPhone,
  newCode,
  SAFETY_GRADES,
  typedCode,
  wrongCodeError,
  type SafetyGrade,
  type UserRecord,
} from '../model.ts';
import type { RequestScope } from '../scope.ts';
import type { AuthPayload, AuthService } from './auth-service.ts';
import type { CredentialRepository } from './credential-repository.ts';
import type { KnownDeviceRepository } from './known-device-repository.ts';
import type { SignInChallengeRepository } from './sign-in-challenge-repository.ts';

export type SecondFactorReason = 'TWO_FACTOR' | 'ADMIN' | 'NEW_DEVICE';

/** Sign-in codes per account per hour: each one is an SMS someone pays for. */
export const MAX_SIGN_IN_CODES_PER_HOUR = 5;

export interface SecondFactorChallenge {
  id: string;
  method: 'SMS';
  sentTo: string;
  expiresAt: Date;
}

export interface SignInResult {
  auth?: AuthPayload;
  secondFactor?: SecondFactorChallenge;
}

export interface TwoFactorSettings {
  /** ADMIN accounts always need the second factor and cannot turn it off. */
  production: boolean;
  /** A sign-in from a new device needs the second factor when the account's grade is this or better; null: never. */
  newDeviceMinGrade: SafetyGrade | null;
}

export interface TwoFactorDeps {
  prisma: UserPrisma;
  auth: AuthService;
  credentials: CredentialRepository;
  challenges: SignInChallengeRepository;
  devices: KnownDeviceRepository;
  grades: CounterpartRepository;
  delivery: DeliveryProvider;
  cipher: FieldCipher;
  logger: Logger;
  afterCommit: () => void;
  settings: TwoFactorSettings;
}

export class TwoFactorService {
  constructor(private readonly deps: TwoFactorDeps) {}

  /** Why this sign-in needs a second factor, or null when the password is enough. */
  async reasonFor(scope: RequestScope, user: UserRecord): Promise<SecondFactorReason | null> {
    if (user.twoFactorEnabled) return 'TWO_FACTOR';
    if (this.adminNeedsIt(user)) return 'ADMIN';
    const minGrade = this.deps.settings.newDeviceMinGrade;
    const deviceId = scope.client.deviceId;
    // Only with a bound phone to send the code to; without one the new-device notice still goes out.
    if (!minGrade || !deviceId || !user.phoneEncrypted) return null;
    if (await this.deps.devices.isKnown(this.deps.prisma, user.id, deviceId)) return null;
    const grade = await this.deps.grades.gradeOf(this.deps.prisma, user.id);
    return grade && SAFETY_GRADES.indexOf(grade) <= SAFETY_GRADES.indexOf(minGrade) ? 'NEW_DEVICE' : null;
  }

  /** An ADMIN in production: every sign-in, and every session it refreshes, comes from the SMS code. */
  adminNeedsIt(user: Pick<UserRecord, 'role'>): boolean {
    return this.deps.settings.production && user.role === 'ADMIN';
  }

  async signIn(scope: RequestScope, email: string, password: string): Promise<SignInResult> {
    const credentials = await this.deps.auth.checkPassword(email, password);
    const user = await scope.loaders.user.load(credentials.id);
    if (!user) throw new UnauthenticatedError(messages.wrongCredentials);
    const reason = await this.reasonFor(scope, user);
    if (!reason) return { auth: await this.deps.auth.openSession(scope, user, 'PASSWORD') };
    if (!user.phoneEncrypted) {
      // Two-factor on (or an ADMIN) but no phone left to send to: refuse rather than let in on the password alone.
      throw new ForbiddenError(reason === 'ADMIN' ? accountMessages.adminWithoutPhone : accountMessages.twoFactorNeedsPhone, { reason: 'SECOND_FACTOR_UNAVAILABLE' });
    }
    return { secondFactor: await this.challenge(scope, user, reason) };
  }

  async completeSignIn(scope: RequestScope, challengeId: string, code: string): Promise<AuthPayload> {
    const challenge = isUuid(challengeId) ? await this.deps.challenges.findById(challengeId) : null;
    if (!challenge) throw new NotFoundError(accountMessages.signInChallengeNotFound, { field: 'challengeId' });
    const now = new Date();
    if (challenge.consumedAt || challenge.expiresAt.getTime() <= now.getTime()) {
      const locked = challenge.consumedAt !== null && challenge.attempts >= MAX_CODE_ATTEMPTS;
      throw new BadInputError(locked ? accountMessages.signInCodeLocked : accountMessages.signInChallengeClosed, { field: 'challengeId', reason: locked ? 'CODE_LOCKED' : 'CHALLENGE_CLOSED' });
    }
    const typed = typedCode(code);
    if (!safeEqual(this.codeHash(challenge.id, typed), challenge.codeHash)) {
      const attempts = await this.deps.challenges.recordWrongAttempt(challenge.id, MAX_CODE_ATTEMPTS, now);
      if (attempts === null) throw new BadInputError(accountMessages.signInChallengeClosed, { field: 'challengeId', reason: 'CHALLENGE_CLOSED' });
      throw wrongCodeError(attempts, accountMessages.signInCodeLocked);
    }
    const user = await scope.loaders.user.load(challenge.userId);
    if (!user) throw new UnauthenticatedError(messages.sessionExpired);
    // A sanction that came while the code was on its way still applies.
    this.deps.auth.assertMayEnter(user);
    return this.deps.auth.openSession(scope, user, 'SECOND_FACTOR', async (tx) => {
      if (!(await this.deps.challenges.consume(tx, challenge.id, now))) {
        throw new BadInputError(accountMessages.signInChallengeClosed, { field: 'challengeId', reason: 'CHALLENGE_CLOSED' });
      }
    });
  }

  /** Turns the second factor on (needs the SMS-verified phone) or off (never for an ADMIN in production); the password confirms it. */
  async setTwoFactor(scope: RequestScope, enabled: boolean, password: string): Promise<UserRecord> {
    const identity = requireIdentity(scope);
    const user = await scope.loaders.user.load(identity.userId);
    if (!user) throw new UnauthenticatedError(messages.signInFirst);
    try {
      await this.deps.auth.checkPassword(user.email, password);
    } catch (error) {
      if (error instanceof UnauthenticatedError) throw new BadInputError(accountMessages.currentPasswordWrong, { field: 'password', reason: 'WRONG_PASSWORD' });
      throw error;
    }
    if (enabled) {
      const verified = await scope.loaders.verifications.load(user.id);
      if (!user.phoneEncrypted || !verified.some((v) => v.method === 'SMS')) throw new BadInputError(accountMessages.twoFactorNeedsPhone, { field: 'enabled', reason: 'PHONE_NOT_VERIFIED' });
    } else if (this.adminNeedsIt(user)) {
      throw new ForbiddenError(accountMessages.adminNeedsTwoFactor, { reason: 'ADMIN_TWO_FACTOR' });
    }
    const updated = await this.deps.credentials.setTwoFactor(user.id, enabled);
    scope.logger.info({ userId: user.id, enabled }, 'two-factor sign-in changed');
    scope.loaders.user.clear(user.id).prime(user.id, updated);
    return updated;
  }

  private async challenge(scope: RequestScope, user: UserRecord, reason: SecondFactorReason): Promise<SecondFactorChallenge> {
    const now = new Date();
    if ((await this.deps.challenges.countSince(user.id, new Date(now.getTime() - 3_600_000))) >= MAX_SIGN_IN_CODES_PER_HOUR) {
      throw new RateLimitedError(messages.tooManyCodeRequests(3_600), 3_600, { reason: 'SIGN_IN_CODE_LIMIT' });
    }
    const id = randomUUID();
    const code = newCode();
    const expiresAt = new Date(now.getTime() + CODE_TTL_MS);
    await this.deps.challenges.create({ id, userId: user.id, codeHash: this.codeHash(id, code), reason, expiresAt, createdAt: now });
    const phone = this.deps.cipher.decrypt(user.phoneEncrypted!);
    try {
      await this.deps.delivery.sendSms({ to: phone, text: accountMessages.signInCodeSms(code) });
    } catch (error) {
      await this.deps.challenges.delete(id);
      scope.logger.error({ err: error }, 'could not deliver a sign-in code');
      throw deliveryUnavailableError();
    }
    scope.logger.info({ userId: user.id, reason }, 'sign-in waits for its second factor');
    return { id, method: 'SMS', sentTo: maskPhone(phone), expiresAt };
  }

  private codeHash(id: string, code: string): string {
    return this.deps.cipher.lookupHash(`sign-in:${id}:${code}`);
  }
}
