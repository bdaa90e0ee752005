// What a new password (register, resetPassword, changePassword) must be: 10 to 200 characters,
// not the account's email, not one of the most common passwords (common-passwords.ts, shipped with
// the code: no download, no outside service). Registration states the same rules in its zod schema
// (auth-service.ts) so that one BAD_USER_INPUT names every problem of the form.
import { BadInputError, charLength } from '@anshim/platform';
import { messages } from '../messages.ts';
import { COMMON_PASSWORDS } from './common-passwords.ts';

export const MIN_PASSWORD_LENGTH = 10;
/** No account can have a longer password: hashing stays cheap, and sign-in skips argon2 above it. */
export const MAX_PASSWORD_LENGTH = 200;

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
  const guessable = guessablePassword(password, email);
  if (guessable === 'passwordIsEmail') throw new BadInputError(messages.passwordIsEmail, { field, reason: 'EQUALS_EMAIL' });
  if (guessable === 'passwordCommon') throw new BadInputError(messages.passwordCommon, { field, reason: 'COMMON' });
}

/** Why a password of the right length is still guessable (the account's email, a common password), or null. */
export function guessablePassword(password: string, email: string): 'passwordIsEmail' | 'passwordCommon' | null {
  const folded = password.trim().toLowerCase();
  if (folded === email.trim().toLowerCase()) return 'passwordIsEmail';
  return commonPasswords().has(folded) ? 'passwordCommon' : null;
}
