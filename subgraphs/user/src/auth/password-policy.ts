// What a new password (resetPassword, changePassword) must be: 10 to 200 characters, not the
// account's email, not one of the most common passwords (common-passwords.ts, shipped with the
// code: no download, no outside service). Registration keeps its own length rule (auth-service.ts).
import { BadInputError, charLength } from '@anshim/platform';
import { accountMessages, messages } from '../messages.ts';
import { MAX_PASSWORD_LENGTH } from './auth-service.ts';
import { COMMON_PASSWORDS } from './common-passwords.ts';

export const MIN_PASSWORD_LENGTH = 10;

let common: ReadonlySet<string> | undefined;

/** The list as a set, made on first use. */
export function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(COMMON_PASSWORDS.map((word) => word.trim().toLowerCase()));
  return common;
}

/** Refuses a weak new password with BAD_USER_INPUT (field `field`, `reason` saying which rule). */
export function assertStrongPassword(password: string, email: string, field = 'newPassword'): void {
  const length = charLength(password);
  if (length < MIN_PASSWORD_LENGTH) throw new BadInputError(messages.passwordTooShort, { field, reason: 'TOO_SHORT' });
  if (length > MAX_PASSWORD_LENGTH) throw new BadInputError(messages.passwordTooLong, { field, reason: 'TOO_LONG' });
  const folded = password.trim().toLowerCase();
  if (folded === email.trim().toLowerCase()) throw new BadInputError(accountMessages.passwordIsEmail, { field, reason: 'EQUALS_EMAIL' });
  if (commonPasswords().has(folded)) throw new BadInputError(accountMessages.passwordCommon, { field, reason: 'COMMON' });
}
