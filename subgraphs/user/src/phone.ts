// Korean mobile numbers, the only kind the marketplace accepts for SMS verification.
// Stored form is the 11 digits `010XXXXXXXX`; what people type varies
// (`010-1234-5678`, `010 1234 5678`, `+82 10-1234-5678`, `+821012345678`).

const NORMALIZED = /^010\d{8}$/;

/** Only the digits, so `010-1234-5678` and `01012345678` compare equal. */
export function phoneDigits(value: string): string {
  return value.replace(/\D/g, '');
}

/** `010XXXXXXXX`, or null when the value is not a Korean mobile number. */
export function normalizePhone(value: string): string | null {
  const trimmed = value.trim();
  // Only separators people really type; letters or other symbols mean a typo, not a format.
  if (!/^\+?[\d\s().-]+$/.test(trimmed)) return null;
  let digits = phoneDigits(trimmed);
  // +82 10-... and 82 10-... drop the leading 0 of the national number.
  if (trimmed.startsWith('+82') || (digits.startsWith('8210') && digits.length === 12)) digits = `0${digits.slice(2)}`;
  return NORMALIZED.test(digits) ? digits : null;
}

/** `010-1234-5678` for people who may see the whole number. */
export function formatPhone(normalized: string): string {
  return `${normalized.slice(0, 3)}-${normalized.slice(3, 7)}-${normalized.slice(7)}`;
}

/** `010-****-5678`: enough to recognise one's own number, too little to call a stranger. */
export function maskPhone(normalized: string): string {
  return `${normalized.slice(0, 3)}-****-${normalized.slice(-4)}`;
}
