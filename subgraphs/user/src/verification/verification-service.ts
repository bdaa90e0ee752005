// Proving an email address or a phone number belongs to the user: a 6-digit code, stored only
// as a keyed hash, valid for 10 minutes and 5 tries, at most 5 requests per hour per method.
// Each verification raises the safety score, so the rules are strict about who and where.
import { randomUUID } from 'node:crypto';
import { BadInputError, ConflictError, isUuid, NotFoundError, RateLimitedError, requireIdentity, safeEqual, UnauthenticatedError, type FieldCipher, type Logger } from '@anshim/platform';
import { transaction, type UserPrisma } from '../database.ts';
import type { DeliveryProvider } from '../delivery/delivery.ts';
import type { IdCardChallenge, IdCardService } from '../id-card/id-card-service.ts';
import { codeMessage, messages } from '../messages.ts';
import { CODE_TTL_MS, deliveryUnavailableError, MAX_CODE_ATTEMPTS, maskEmail, maskPhone, newCode, typedCode, wrongCodeError, type UserRecord, type VerificationMethod } from '../model.ts';
import type { UserEvents } from '../outbound/user-events.ts';
import type { RequestScope } from '../scope.ts';
import type { UserRepository } from '../users/user-repository.ts';
import type { ChallengeRepository } from './challenge-repository.ts';
import { PhoneBinder, PhoneHeldElsewhere } from './phone-binding.ts';
import type { VerificationRequirements } from './verification-requirements.ts';

export const MAX_REQUESTS_PER_WINDOW = 5;
export const REQUEST_WINDOW_MS = 60 * 60 * 1000;

export interface ChallengeView {
  id: string;
  method: VerificationMethod;
  sentTo: string;
  expiresAt: Date;
}

export interface VerificationServiceDeps {
  prisma: UserPrisma;
  users: UserRepository;
  challenges: ChallengeRepository;
  delivery: DeliveryProvider;
  events: UserEvents;
  cipher: FieldCipher;
  logger: Logger;
  afterCommit: () => void;
  idCards: IdCardService;
  requirements: VerificationRequirements;
}

type Deliverable = 'EMAIL' | 'SMS';

export class VerificationService {
  private readonly phoneBinder: PhoneBinder;

  constructor(private readonly deps: VerificationServiceDeps) {
    this.phoneBinder = new PhoneBinder(deps);
  }

  async request(scope: RequestScope, method: VerificationMethod): Promise<ChallengeView | IdCardChallenge> {
    const identity = requireIdentity(scope);
    // OAUTH is proved by linking an account (startOidcLink), not by a code.
    if (method === 'OAUTH') throw new BadInputError(messages.oauthByLink, { field: 'method' });
    const user = await scope.loaders.user.load(identity.userId);
    if (!user) throw new UnauthenticatedError(messages.signInFirst);
    if (method === 'ID_CARD') {
      const verified = await scope.loaders.verifications.load(user.id);
      if (verified.some((v) => v.method === 'ID_CARD')) throw new ConflictError(messages.alreadyVerified, { method });
      return this.deps.idCards.request(scope, user.id);
    }
    const target = this.currentTarget(user, method);
    if (target === null) throw new BadInputError(messages.phoneMissing, { field: 'method' });
    const verified = await scope.loaders.verifications.load(user.id);
    // A pending number is a new one to prove, whatever was verified before.
    const provingPending = method === 'SMS' && user.pendingPhoneEncrypted !== null;
    if (!provingPending && verified.some((v) => v.method === method)) throw new ConflictError(messages.alreadyVerified, { method });

    const now = new Date();
    const recent = await this.deps.challenges.requestTimesSince(user.id, method, new Date(now.getTime() - REQUEST_WINDOW_MS));
    if (recent.length >= MAX_REQUESTS_PER_WINDOW) {
      // The window frees up when the oldest request that still counts leaves it.
      const oldestCounted = recent[recent.length - MAX_REQUESTS_PER_WINDOW]!;
      const retryAfter = Math.max(1, Math.ceil((oldestCounted.getTime() + REQUEST_WINDOW_MS - now.getTime()) / 1000));
      throw new RateLimitedError(messages.tooManyCodeRequests(retryAfter), retryAfter);
    }

    const id = randomUUID();
    const code = newCode();
    const expiresAt = new Date(now.getTime() + CODE_TTL_MS);
    await transaction(this.deps.prisma, async (tx) => {
      await this.deps.challenges.closeOpen(tx, user.id, method, now);
      await this.deps.challenges.create(tx, {
        id,
        userId: user.id,
        method,
        targetEncrypted: this.deps.cipher.encrypt(target),
        codeHash: this.codeHash(id, code),
        expiresAt,
        createdAt: now,
      });
    });

    try {
      await this.send(method, target, code);
    } catch (error) {
      await this.deps.challenges.delete(id);
      scope.logger.error({ err: error, method }, 'could not deliver a verification code');
      throw deliveryUnavailableError();
    }
    return { id, method, sentTo: method === 'EMAIL' ? maskEmail(target) : maskPhone(target), expiresAt };
  }

  async confirm(scope: RequestScope, challengeId: string, code: string): Promise<UserRecord> {
    const identity = requireIdentity(scope);
    const challenge = isUuid(challengeId) ? await this.deps.challenges.findById(challengeId) : null;
    // Someone else's challenge is "not found": ids must not confirm that they exist.
    if (!challenge || challenge.userId !== identity.userId) throw new NotFoundError(messages.challengeNotFound, { field: 'challengeId' });
    if (challenge.consumedAt) {
      throw new BadInputError(challenge.attempts >= MAX_CODE_ATTEMPTS ? messages.codeLocked : messages.challengeUsed, { field: 'challengeId' });
    }
    const now = new Date();
    if (challenge.expiresAt.getTime() <= now.getTime()) throw new BadInputError(messages.codeExpired, { field: 'code' });
    const typed = typedCode(code);

    const user = await scope.loaders.user.load(identity.userId);
    if (!user) throw new UnauthenticatedError(messages.signInFirst);
    const method = challenge.method as Deliverable;
    if (this.currentTarget(user, method) !== this.deps.cipher.decrypt(challenge.targetEncrypted)) {
      // The code proves the old address; it must not verify the new one.
      await transaction(this.deps.prisma, (tx) => this.deps.challenges.consume(tx, challenge.id, now));
      throw new BadInputError(messages.targetChanged, { field: 'challengeId' });
    }

    if (!safeEqual(this.codeHash(challenge.id, typed), challenge.codeHash)) {
      const attempts = await this.deps.challenges.recordWrongAttempt(challenge.id, MAX_CODE_ATTEMPTS, now);
      if (attempts === null) throw new BadInputError(messages.challengeUsed, { field: 'challengeId' });
      throw wrongCodeError(attempts, messages.codeLocked);
    }

    const binding = method === 'SMS' && user.pendingPhoneEncrypted !== null;
    let bound: UserRecord | null;
    try {
      bound = await transaction(this.deps.prisma, async (tx) => {
        if (!(await this.deps.challenges.consume(tx, challenge.id, now))) return null;
        const row = binding ? await this.phoneBinder.bind(tx, user, now) : user;
        await this.deps.users.addVerification(tx, user.id, method, now);
        // The phone's lookup hash lets the monitor link accounts sharing one number (never the number).
        const phoneLookupHash = method === 'SMS' ? this.deps.cipher.lookupHash(this.deps.cipher.decrypt(challenge.targetEncrypted)) : null;
        await this.deps.events.verified(tx, user.id, method, now, phoneLookupHash);
        await this.deps.requirements.onVerified(tx, user.id, now);
        return row;
      });
    } catch (error) {
      if (!(error instanceof PhoneHeldElsewhere)) throw error;
      // The code was right, so only the number's holder gets here: refuse without naming anyone,
      // and spend the challenge (it proved a number this account cannot have).
      await transaction(this.deps.prisma, (tx) => this.deps.challenges.consume(tx, challenge.id, now));
      throw new ConflictError(messages.phoneCannotBeBound, { field: 'challengeId' });
    }
    if (!bound) throw new BadInputError(messages.challengeUsed, { field: 'challengeId' });
    this.deps.afterCommit();
    scope.loaders.verifications.clear(user.id);
    scope.loaders.user.clear(user.id).prime(user.id, bound);
    return bound;
  }

  /** Where a code for this method goes now: the account email, or the pending phone, else the bound one (null if none). */
  private currentTarget(user: UserRecord, method: Deliverable): string | null {
    if (method === 'EMAIL') return user.email;
    const phone = user.pendingPhoneEncrypted ?? user.phoneEncrypted;
    return phone ? this.deps.cipher.decrypt(phone) : null;
  }

  /** Keyed by the data key and bound to the challenge: a leaked table does not give codes away. */
  private codeHash(challengeId: string, code: string): string {
    return this.deps.cipher.lookupHash(`verification:${challengeId}:${code}`);
  }

  private async send(method: Deliverable, target: string, code: string): Promise<void> {
    const { subject, text } = codeMessage(code);
    if (method === 'EMAIL') await this.deps.delivery.sendEmail({ to: target, subject, text });
    else await this.deps.delivery.sendSms({ to: target, text });
  }
}
