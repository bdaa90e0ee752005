// Builds the account-security services (two-factor sign-in, password reset and change, sessions)
// and hooks them into the AuthService (login asks the second-factor rule; a new device owes a
// notice). Composition only; server.ts calls it once.
import type { AuditRepository } from '../audit/audit-repository.ts';
import type { FieldCipher, Logger, Redis } from '@anshim/platform';
import { CounterpartRepository } from '../copies/counterpart-repository.ts';
import type { UserPrisma } from '../database.ts';
import type { DeliveryProvider } from '../delivery/delivery.ts';
import type { UserRepository } from '../users/user-repository.ts';
import type { AccountNotices } from './account-notices.ts';
import type { AuthService } from './auth-service.ts';
import { CredentialRepository } from './credential-repository.ts';
import { KnownDeviceRepository } from './known-device-repository.ts';
import { NewDeviceNotice } from './new-device-notice.ts';
import { PasswordResetRepository } from './password-reset-repository.ts';
import { PasswordResetService, type PasswordResetSettings } from './password-reset.ts';
import { SessionService } from './session-list.ts';
import type { SessionRepository } from './session-repository.ts';
import { SignInChallengeRepository } from './sign-in-challenge-repository.ts';
import type { TokenRevocations } from './token-revocations.ts';
import { TwoFactorService, type TwoFactorSettings } from './two-factor.ts';

export interface AccountSecurityParts {
  prisma: UserPrisma;
  redis: Redis;
  users: UserRepository;
  sessions: SessionRepository;
  revocations: TokenRevocations;
  auth: AuthService;
  delivery: DeliveryProvider;
  cipher: FieldCipher;
  logger: Logger;
  afterCommit: () => void;
  audit: AuditRepository;
  /** Notices to the member (password changed, new device) through the durable outbound queue. */
  notices: AccountNotices;
  jwtSecret: string;
  twoFactor: TwoFactorSettings;
  passwordReset: PasswordResetSettings;
}

export function wireAccountSecurity(parts: AccountSecurityParts): { twoFactor: TwoFactorService; passwords: PasswordResetService; sessions: SessionService } {
  const { prisma, redis, users, sessions, revocations, auth, delivery, cipher, logger, afterCommit } = parts;
  const credentials = new CredentialRepository(prisma);
  const sessionService = new SessionService({ sessions, revocations, redis, jwtSecret: parts.jwtSecret, logger });
  const twoFactor = new TwoFactorService({
    prisma, auth, credentials, delivery, cipher, logger, afterCommit,
    challenges: new SignInChallengeRepository(prisma),
    devices: new KnownDeviceRepository(),
    grades: new CounterpartRepository(),
    settings: parts.twoFactor,
  });
  const passwords = new PasswordResetService({
    prisma, redis, credentials, sessions, sessionService, revocations, auth, delivery, cipher, logger,
    audit: parts.audit,
    notices: parts.notices,
    resets: new PasswordResetRepository(prisma),
    settings: parts.passwordReset,
  });
  auth.useAccountSecurity({ secondFactor: twoFactor, newDeviceNotice: new NewDeviceNotice({ users, notices: parts.notices }) });
  return { twoFactor, passwords, sessions: sessionService };
}
