// What every resolver receives: the request scope (identity, locale, logger, loaders, the
// forwarded Authorization header) plus this service's services. Composition only; services
// never import this file.
import type { IncomingHttpHeaders } from 'node:http';
import { DEV_ALLOWANCE_HEADER, type DevAllowance, type RequestContext } from '@anshim/platform';
import type { AuthService } from './auth/auth-service.ts';
import type { PasswordResetService } from './auth/password-reset.ts';
import type { SessionService } from './auth/session-list.ts';
import type { TwoFactorService } from './auth/two-factor.ts';
import type { GuardianService } from './guardians/guardian-service.ts';
import type { IdCardService } from './id-card/id-card-service.ts';
import { createLoaders } from './loaders.ts';
import type { OidcService } from './oidc/oidc-service.ts';
import type { RequestScope } from './scope.ts';
import type { UserRepository } from './users/user-repository.ts';
import type { UserService } from './users/user-service.ts';
import type { VerificationService } from './verification/verification-service.ts';
import type { AccountDeletionService } from './users/account-deletion.ts';
import type { OidcSignUps } from './oidc/oidc-sign-up.ts';
import type { ProfilePhotoService } from './users/profile-photo.ts';
import type { StatusHistoryService } from './users/status-history.ts';

export interface UserServices {
  users: UserService;
  auth: AuthService;
  verifications: VerificationService;
  guardians: GuardianService;
  idCards: IdCardService;
  oidc: OidcService;
  twoFactor: TwoFactorService;
  passwords: PasswordResetService;
  sessions: SessionService;
  oidcSignUps: OidcSignUps;
  photos: ProfilePhotoService;
  deletion: AccountDeletionService;
  statusHistory: StatusHistoryService;
}

export interface UserContext extends RequestScope {
  services: UserServices;
}

export interface ContextParts {
  services: UserServices;
  /** What the loaders read. */
  users: UserRepository;
  devAllowance: DevAllowance;
}

/** Each request's context: the shared services, fresh loaders, and what the gateway forwarded. */
export function contextBuilder({ services, users, devAllowance }: ContextParts): (base: RequestContext, headers: IncomingHttpHeaders) => UserContext {
  return (base, headers) => ({
    ...base,
    // Forwarded by the gateway to this service only: logout revokes the token by its jti.
    authorization: typeof headers.authorization === 'string' ? headers.authorization : null,
    signedInAs: null,
    devAllowance: devAllowance.grants(headers[DEV_ALLOWANCE_HEADER]),
    loaders: createLoaders(users),
    services,
  });
}
