// The request scope every service method receives: the platform's request context (verified
// identity, request id, locale, logger), this request's loaders, and what the user service adds
// to it (the forwarded Authorization header, who just signed in, the development allowance).
// It imports no service, so services can depend on it without an import cycle through context.ts.
import type { RequestContext } from '@anshim/platform';
import type { UserLoaders } from './loaders.ts';

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

/** The caller is this user: signed in as them, or just proved it (register, login, refresh). */
export function isSelf(scope: RequestScope, userId: string): boolean {
  return scope.signedInAs === userId || scope.identity?.userId === userId;
}
