// Which member-chosen names may appear in an SMS sent to someone who is not the member (a guardian's
// phone). A nickname is free text: unchecked, the invitation SMS would carry whatever a spammer
// types ("급전 010-…", a link) to any number. So an SMS names a person only by a nickname that
// passes SMS_SAFE_NICKNAME (letters and digits only: no link, no phone number, no sentence), and
// the invitation additionally only for a member whose identity is verified (SMS or ID card: one
// real person per account); otherwise the text uses a neutral wording instead of the name.

/** 2–12 characters of whole Hangul syllables (no loose jamo, which spell words around filters), Latin letters, digits and single inner spaces; at most 4 digits. */
const SMS_SAFE_NICKNAME = /^(?=.{2,12}$)[\uAC00-\uD7A3A-Za-z0-9]+(?: [\uAC00-\uD7A3A-Za-z0-9]+)*$/u;
const MAX_DIGITS = 4;
/** Verifications that tie an account to one real person (an email address costs nothing). */
export const IDENTITY_VERIFICATIONS = ['SMS', 'ID_CARD'] as const;

/** The nickname when it is safe to print in an SMS, else null (the caller uses a neutral wording). */
export function smsSafeNickname(nickname: string | null | undefined): string | null {
  if (!nickname) return null;
  const trimmed = nickname.normalize('NFC').trim();
  if (!SMS_SAFE_NICKNAME.test(trimmed)) return null;
  if ((trimmed.match(/\d/g) ?? []).length > MAX_DIGITS) return null;
  return trimmed;
}

/** The member's verified nickname: a safe nickname of a member with an identity verification, else null. */
export function verifiedNickname(nickname: string | null | undefined, verificationMethods: readonly string[]): string | null {
  const verified = verificationMethods.some((m) => (IDENTITY_VERIFICATIONS as readonly string[]).includes(m));
  return verified ? smsSafeNickname(nickname) : null;
}

/** 1–20 characters of Hangul, Latin letters, digits, spaces and plain punctuation; at most 4 digits; no link. */
const SMS_SAFE_TITLE = /^(?=.{1,20}$)[\uAC00-\uD7A3A-Za-z0-9 ()\-,+]+$/u;

/**
 * A listing title (the seller's free text) when it is safe to print in a guardian's SMS, else null
 * (the text says "물건"): the same worry as nicknames, a seller's phone number or link in the
 * guardian's SMS would look like our own advice.
 */
export function smsSafeItemTitle(title: string | null | undefined): string | null {
  if (!title) return null;
  const trimmed = title.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (!SMS_SAFE_TITLE.test(trimmed)) return null;
  if ((trimmed.match(/\d/g) ?? []).length > MAX_DIGITS) return null;
  return trimmed;
}
