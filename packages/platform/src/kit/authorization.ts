// Who may call a service method: every subgraph's services open with the same checks, worded the
// same way (commonMessages), so one situation reads the same wherever it arises and the codes
// (UNAUTHENTICATED, FORBIDDEN) are the contract's.
import { ForbiddenError, UnauthenticatedError, type LocalizedText } from '../errors.ts';
import { commonMessages } from '../i18n.ts';
import type { Identity, Role } from '../identity.ts';

/** The part of a request scope these checks read; every subgraph's scope has it. */
export interface IdentityScope {
  identity: Identity | null;
}

/** The signed-in member, or UNAUTHENTICATED. */
export function requireIdentity(scope: IdentityScope, message: LocalizedText = commonMessages.signInFirst): Identity {
  if (!scope.identity) throw new UnauthenticatedError(message);
  return scope.identity;
}

/** The signed-in member holding `role`, or UNAUTHENTICATED / FORBIDDEN. */
export function requireRole(scope: IdentityScope, role: Role, message: LocalizedText | undefined = forbiddenFor(role)): Identity {
  const identity = requireIdentity(scope);
  if (identity.role !== role) throw new ForbiddenError(message);
  return identity;
}

export function requireAdmin(scope: IdentityScope): Identity {
  return requireRole(scope, 'ADMIN');
}

/** ADMIN refusals say so; any other role gets ForbiddenError's general wording. */
function forbiddenFor(role: Role): LocalizedText | undefined {
  return role === 'ADMIN' ? commonMessages.adminOnly : undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids that cannot exist are answered without a query (a uuid column would reject them with an error). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** The distinct ids among `ids` that can exist. */
export function distinctUuids(ids: readonly unknown[]): string[] {
  return [...new Set(ids.filter(isUuid))];
}

/**
 * A batched read with the distinct valid ids among `ids`, or [] without a query when there are none
 * (DataLoader batches carry whatever a client sent; a uuid column would reject the rest with an error).
 */
export async function readByUuids<T>(ids: readonly string[], read: (valid: string[]) => Promise<T[]>): Promise<T[]> {
  const valid = distinctUuids(ids);
  return valid.length === 0 ? [] : read(valid);
}
