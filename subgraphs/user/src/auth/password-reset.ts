// Password reset by email code and password change (ARCHITECTURE §8). requestPasswordReset answers
// true for any email and does the same work either way — the same SQL in the same order, one
// reset row written whether or not an account has the email (userId null then) — and the mail
// leaves after the answer, so neither the words nor the time tell who is a member. A reset ends
// every session of the account (refresh families revoked, access tokens refused from that moment,
// open sockets closed); a change ends every session but the caller's. Both owe the member a plain
// notice, queued in the change's own transaction (account-notices.ts), so an email outage delays
// it instead of losing it. The reset code is sent directly instead: a queued row for members only
// would make the two paths run different SQL, and a code is worth asking again for, not waiting for.
import type { AuditRepository } from '../audit/audit-repository.ts';
import { randomUUID } from 'node:crypto';
import {
  BadInputError,
  RateLimitedError,
  requireIdentity,
  safeEqual,
  sha256,
  takeFromWindows,
  TemporarilyUnavailableError,
  UnauthenticatedError,
  type FieldCipher,
  type Logger,
  type Redis,
} from '@anshim/platform';
import { transaction, type UserPrisma } from '../database.ts';
import type { DeliveryProvider } from '../delivery/delivery.ts';
import { accountMessages, messages } from '../messages.ts';
import { MAX_CODE_ATTEMPTS, newCode, normalizeEmail, typedCode, wrongCodeError } from '../model.ts';
import type { RequestScope } from '../scope.ts';
import type { AccountNotices } from './account-notices.ts';
import type { AuthService } from './auth-service.ts';
import type { CredentialRepository } from './credential-repository.ts';
import { hashPassword } from './password.ts';
import { assertStrongPassword } from './password-policy.ts';
import type { PasswordResetRepository } from './password-reset-repository.ts';
import type { SessionService } from './session-list.ts';
import type { SessionRepository } from './session-repository.ts';
import type { TokenRevocations } from './token-revocations.ts';

export const RESET_CODE_TTL_MS = 15 * 60 * 1000;

export interface PasswordResetSettings {
  /** Reset requests per email per window, and per client address. */
  perEmail: number;
  perAddress: number;
  windowSeconds: number;
}

export interface PasswordResetDeps {
  prisma: UserPrisma;
  redis: Redis;
  resets: PasswordResetRepository;
  credentials: CredentialRepository;
  sessions: SessionRepository;
  sessionService: SessionService;
  revocations: TokenRevocations;
  auth: AuthService;
  delivery: DeliveryProvider;
  cipher: FieldCipher;
  logger: Logger;
  /** A password reset or change is written to the audit log with the sign-in ends it caused (a takeover leaves a trace). */
  audit: AuditRepository;
  /** The "your password was changed" notice, owed in the change's transaction. */
  notices: AccountNotices;
  settings: PasswordResetSettings;
}

export class PasswordResetService {
  constructor(private readonly deps: PasswordResetDeps) {}

  async request(scope: RequestScope, email: string): Promise<boolean> {
    const normalized = normalizeEmail(email);
    if (normalized.length > 254 || !/^[^@\s]+@[^@\s]+$/.test(normalized)) throw new BadInputError(messages.emailInvalid, { field: 'email' });
    await this.throttle(normalized, scope.client.address);

    const now = new Date();
    const id = randomUUID();
    const code = newCode();
    const userId = await transaction(this.deps.prisma, async (tx) => {
      const owner = await this.deps.credentials.idByEmail(tx, normalized);
      // Written whether or not the email has an account: the same statements either way.
      await this.deps.resets.replace(tx, {
        id,
        emailHash: this.emailHash(normalized),
        userId: owner,
        codeHash: this.codeHash(id, code),
        expiresAt: new Date(now.getTime() + RESET_CODE_TTL_MS),
        createdAt: now,
      });
      return owner;
    });
    // Not awaited: how long a mail server takes must not tell whether the email has an account.
    if (userId) this.mailCode(normalized, code);
    return true;
  }

  async reset(scope: RequestScope, email: string, code: string, newPassword: string): Promise<boolean> {
    const normalized = normalizeEmail(email);
    const typed = typedCode(code);
    assertStrongPassword(newPassword, normalized);
    const now = new Date();
    const row = await this.deps.resets.latest(this.emailHash(normalized));
    // No code, an expired one, or an email without an account: one answer for all three.
    if (!row || !row.userId || row.expiresAt.getTime() <= now.getTime()) {
      throw new BadInputError(accountMessages.resetCodeInvalid, { field: 'code', reason: 'CODE_INVALID' });
    }
    if (row.consumedAt) {
      const locked = row.attempts >= MAX_CODE_ATTEMPTS;
      throw new BadInputError(locked ? accountMessages.resetCodeLocked : accountMessages.resetCodeUsed, { field: 'code', reason: locked ? 'CODE_LOCKED' : 'CODE_USED' });
    }
    if (!safeEqual(this.codeHash(row.id, typed), row.codeHash)) {
      const attempts = await this.deps.resets.recordWrongAttempt(row.id, MAX_CODE_ATTEMPTS, now);
      if (attempts === null) throw new BadInputError(accountMessages.resetCodeUsed, { field: 'code', reason: 'CODE_USED' });
      throw wrongCodeError(attempts, accountMessages.resetCodeLocked);
    }
    const userId = row.userId;
    const passwordHash = await hashPassword(newPassword);
    const families = await transaction(this.deps.prisma, async (tx) => {
      if (!(await this.deps.resets.consume(tx, row.id, now))) return null;
      await this.deps.credentials.setPasswordHash(tx, userId, passwordHash);
      const open = await this.deps.sessions.openFamilies(userId, null, tx);
      await this.deps.sessionService.revokeFamiliesIn(tx, open, now);
      await this.deps.audit.record(tx, { actorId: userId, action: 'user.password_reset', subjectId: userId, after: { sessionsEnded: open.length, by: 'EMAIL_CODE' }, requestId: scope.requestId ?? null });
      await this.deps.notices.owe(tx, normalized, accountMessages.passwordChangedMail, 'PASSWORD_CHANGED');
      return open;
    });
    if (!families) throw new BadInputError(accountMessages.resetCodeUsed, { field: 'code', reason: 'CODE_USED' });
    // Every access token issued up to now is refused (and its sockets closed), whichever family it came from.
    await this.deps.revocations.revokeAllBefore(userId, now, 'SESSIONS_REVOKED');
    this.deps.notices.sendSoon();
    scope.logger.info({ userId, sessionsEnded: families.length }, 'password reset by email code; every session ended');
    await untilNextSecond(now);
    return true;
  }

  async change(scope: RequestScope, currentPassword: string, newPassword: string): Promise<boolean> {
    const identity = requireIdentity(scope);
    const user = await scope.loaders.user.load(identity.userId);
    if (!user) throw new UnauthenticatedError(messages.signInFirst);
    assertStrongPassword(newPassword, user.email);
    if (newPassword === currentPassword) throw new BadInputError(accountMessages.passwordUnchanged, { field: 'newPassword', reason: 'UNCHANGED' });
    try {
      // Throttled like a sign-in: a stolen session must not become a password-guessing oracle.
      await this.deps.auth.checkPassword(user.email, currentPassword);
    } catch (error) {
      if (error instanceof UnauthenticatedError) throw new BadInputError(accountMessages.currentPasswordWrong, { field: 'currentPassword', reason: 'WRONG_PASSWORD' });
      throw error;
    }
    const current = await this.deps.sessionService.currentFamily(scope);
    const now = new Date();
    const passwordHash = await hashPassword(newPassword);
    const others = await transaction(this.deps.prisma, async (tx) => {
      await this.deps.credentials.setPasswordHash(tx, user.id, passwordHash);
      const open = await this.deps.sessions.openFamilies(user.id, current, tx);
      await this.deps.sessionService.revokeFamiliesIn(tx, open, now);
      await this.deps.audit.record(tx, { actorId: user.id, action: 'user.password_changed', subjectId: user.id, after: { sessionsEnded: open.length }, requestId: scope.requestId ?? null });
      await this.deps.notices.owe(tx, user.email, accountMessages.passwordChangedMail, 'PASSWORD_CHANGED');
      return open;
    });
    if (current) await this.deps.sessionService.stopAccessTokens(user.id, others);
    // Without the caller's session we cannot spare it: end every access token, the caller's too.
    else await this.deps.revocations.revokeAllBefore(user.id, now, 'SESSIONS_REVOKED');
    this.deps.notices.sendSoon();
    scope.logger.info({ userId: user.id, sessionsEnded: others.length }, 'password changed; other sessions ended');
    return true;
  }

  /** Per email and per client address; a refused request counts nowhere. Fails closed without Redis. */
  private async throttle(email: string, address: string | null): Promise<void> {
    const { perEmail, perAddress, windowSeconds } = this.deps.settings;
    let retryAfter: number;
    try {
      retryAfter = await takeFromWindows(this.deps.redis, [
        { key: `auth:reset-email:${sha256(email)}`, limit: perEmail, seconds: windowSeconds },
        { key: `auth:reset-address:${address ?? 'unknown'}`, limit: perAddress, seconds: windowSeconds },
      ]);
    } catch (error) {
      this.deps.logger.error({ err: error }, 'password reset throttle unavailable; request refused');
      throw new TemporarilyUnavailableError(messages.deliveryUnavailable, { reason: 'RESET_THROTTLE_UNAVAILABLE' });
    }
    if (retryAfter > 0) throw new RateLimitedError(accountMessages.tooManyResetRequests(retryAfter), retryAfter, { reason: 'PASSWORD_RESET_LIMIT' });
  }

  private emailHash(email: string): string {
    return this.deps.cipher.lookupHash(`password-reset:${email}`);
  }

  /** Keyed by the data key and bound to the row: a leaked table gives no codes away. */
  private codeHash(id: string, code: string): string {
    return this.deps.cipher.lookupHash(`password-reset:${id}:${code}`);
  }

  private mailCode(to: string, code: string): void {
    void this.deps.delivery.sendEmail({ to, ...accountMessages.resetCodeMail(code) }).catch((error: unknown) => this.deps.logger.warn({ err: error }, 'password reset code not delivered'));
  }
}

/**
 * Access tokens carry their issue time in whole seconds, and revokeAllBefore refuses every token
 * issued in or before the revoking second: a sign-in with the new password in that same second
 * would be refused. Answering once that second is over costs at most a second, once.
 */
async function untilNextSecond(at: Date): Promise<void> {
  const wait = Math.floor(at.getTime() / 1000) * 1000 + 1000 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
