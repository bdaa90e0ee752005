// What every resolver receives: the platform's request context (verified identity, request id,
// locale, logger) plus this service's per-request loaders and its services.
import type { groupedLoader, keyedLoader, RequestContext } from '@anshim/platform';
import type { UserRecord, VerificationRecord } from './user-repository.ts';
import type { UserService } from './user-service.ts';
import type { AuthService } from './auth-service.ts';
import type { VerificationService } from './verification-service.ts';
import type { GuardianService } from './guardian-service.ts';
import type { IdCardService } from './id-card/id-card-service.ts';
import type { OidcService } from './oidc/oidc-service.ts';

export interface UserLoaders {
  user: ReturnType<typeof keyedLoader<string, UserRecord>>;
  verifications: ReturnType<typeof groupedLoader<string, VerificationRecord>>;
}

export interface UserServices {
  users: UserService;
  auth: AuthService;
  verifications: VerificationService;
  guardians: GuardianService;
  idCards: IdCardService;
  oidc: OidcService;
}

/** The part of the context services work with: who asks, in which language, with which loaders. */
export interface RequestScope extends RequestContext {
  loaders: UserLoaders;
  /**
   * The raw `Authorization` header the gateway forwards along with the signed identity. Only
   * logout uses it (to blacklist the token's jti); identity always comes from the signed headers.
   */
  authorization: string | null;
  /**
   * Set by register/login/refresh: the caller just proved to be this user, so the AuthPayload's
   * user shows them their own private fields although the request itself was anonymous.
   */
  signedInAs: string | null;
  /**
   * The caller proved the development-only allowance (platform dev-allowance.ts; the demo seed):
   * its sign-ups skip the per-domain ration. Never true in production.
   */
  devAllowance?: boolean;
}

export interface UserContext extends RequestScope {
  services: UserServices;
}
