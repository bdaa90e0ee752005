// Bank accounts and phone numbers someone asks to be paid to or called on: one definition of how
// they are normalized, masked, extracted from chat text and hashed, shared by the report service
// (the fraud-account registry) and the monitor (KNOWN_FRAUD_ACCOUNT), so both compute the same
// lookup hash for the same account however it was typed.
//
// The lookup key of a bank account is its digits only: the bank name is kept for display, but
// people (and fraudsters) name banks inconsistently and chats often omit it.

export type PaymentIdentifierType = 'BANK_ACCOUNT' | 'PHONE';

export interface NormalizedPaymentIdentifier {
  type: PaymentIdentifierType;
  /** Digits only: an account number, or a mobile number as 010XXXXXXXX. */
  value: string;
  /** The canonical bank name (e.g. KB국민은행) when one was recognised; bank accounts only. */
  bank: string | null;
}

/** Korean account numbers are 10–14 digits; a little slack either way for older formats. */
const ACCOUNT_DIGITS = { min: 8, max: 16 } as const;
const MOBILE = /^01[016789]\d{7,8}$/;

/** Canonical bank name → aliases (compared without spaces, lower-cased). */
const BANKS: Record<string, string[]> = {
  KB국민은행: ['kb국민은행', 'kb국민', '국민은행', '국민', 'kb은행', 'kb'],
  신한은행: ['신한은행', '신한'],
  우리은행: ['우리은행', '우리'],
  하나은행: ['keb하나은행', 'keb하나', '하나은행', '하나', '외환은행', '외환'],
  NH농협은행: ['nh농협은행', 'nh농협', '농협은행', '농협', '단위농협', 'nh'],
  IBK기업은행: ['ibk기업은행', 'ibk기업', '기업은행', 'ibk', '기업'],
  카카오뱅크: ['카카오뱅크', '카카오', '카뱅', 'kakaobank', 'kakao'],
  토스뱅크: ['토스뱅크', '토스', 'tossbank', 'toss'],
  케이뱅크: ['케이뱅크', 'k뱅크', 'kbank'],
  SC제일은행: ['sc제일은행', 'sc제일', '제일은행', 'sc은행', 'sc'],
  한국씨티은행: ['한국씨티은행', '씨티은행', '씨티', 'citi'],
  우체국: ['우체국예금', '우체국'],
  새마을금고: ['새마을금고', '새마을', 'mg새마을금고'],
  신협: ['신용협동조합', '신협'],
  수협은행: ['sh수협은행', '수협은행', '수협'],
  KDB산업은행: ['kdb산업은행', '산업은행', 'kdb', '산업'],
  부산은행: ['bnk부산은행', '부산은행', '부산'],
  경남은행: ['bnk경남은행', '경남은행', '경남'],
  iM뱅크: ['im뱅크', 'dgb대구은행', '대구은행', '대구', 'dgb'],
  광주은행: ['광주은행', '광주'],
  전북은행: ['전북은행', '전북'],
  제주은행: ['제주은행', '제주'],
};

/** Every alias, longest first, so "KB국민은행" wins over "국민" and "kb". */
const ALIASES: ReadonlyArray<[alias: string, bank: string]> = Object.entries(BANKS)
  .flatMap(([bank, aliases]) => [[bank.toLowerCase(), bank] as [string, string], ...aliases.map((alias) => [alias, bank] as [string, string])])
  .sort((a, b) => b[0].length - a[0].length);

const compact = (text: string) => text.normalize('NFKC').toLowerCase().replace(/[\s.·_-]/g, '');

/** The canonical name of the bank a text names (e.g. "국민" → "KB국민은행"), or null. */
export function normalizeBankName(text: string): string | null {
  const plain = compact(text).replace(/\d/g, '');
  if (!plain) return null;
  for (const [alias, bank] of ALIASES) if (plain.includes(alias)) return bank;
  return null;
}

/** A mobile number as 010XXXXXXXX (+82 and separators removed), or null. */
export function normalizePhone(text: string): string | null {
  let digits = text.normalize('NFKC').replace(/\D/g, '');
  if (digits.startsWith('82') && /^\+?\s*82/.test(text.normalize('NFKC').trim())) digits = `0${digits.slice(2).replace(/^0/, '')}`;
  return MOBILE.test(digits) ? digits : null;
}

/** Account digits (8–16), or null. */
export function normalizeAccountNumber(text: string): string | null {
  const digits = text.normalize('NFKC').replace(/\D/g, '');
  return digits.length >= ACCOUNT_DIGITS.min && digits.length <= ACCOUNT_DIGITS.max ? digits : null;
}

/** Normalizes what a person typed; null when nothing usable is left (the caller answers BAD_USER_INPUT). */
export function normalizePaymentIdentifier(type: PaymentIdentifierType, raw: string): NormalizedPaymentIdentifier | null {
  if (type === 'PHONE') {
    const value = normalizePhone(raw);
    return value ? { type, value, bank: null } : null;
  }
  const value = normalizeAccountNumber(raw);
  return value ? { type, value, bank: normalizeBankName(raw) } : null;
}

/** What is hashed: the type and the digits (never the bank). */
export function paymentIdentifierKey(id: Pick<NormalizedPaymentIdentifier, 'type' | 'value'>): string {
  return `payment-identifier:${id.type}:${id.value}`;
}

/** What computes a keyed lookup hash: the platform's FieldCipher (crypto.ts) in every service. */
export interface LookupHasher {
  lookupHash(value: string): string;
}

/** The keyed lookup hash (DATA_ENCRYPTION_KEY): equal for the same account, useless without the key. */
export function paymentIdentifierHash(cipher: LookupHasher, id: Pick<NormalizedPaymentIdentifier, 'type' | 'value'>): string {
  return cipher.lookupHash(paymentIdentifierKey(id));
}

/**
 * Safe to show: accounts keep the first 6 (3 when shorter than 12 digits) and last 3 digits,
 * e.g. 12345678901234 → 123456-**-***234; phones keep the prefix and last 4, e.g. 010-****-5678.
 */
export function maskPaymentIdentifier(id: Pick<NormalizedPaymentIdentifier, 'type' | 'value'>): string {
  const digits = id.value;
  if (id.type === 'PHONE') {
    const middle = digits.length - 7;
    return `${digits.slice(0, 3)}-${'*'.repeat(middle)}-${digits.slice(-4)}`;
  }
  const n = digits.length;
  if (n >= 12) return `${digits.slice(0, 6)}-**-${'*'.repeat(n - 11)}${digits.slice(-3)}`;
  return `${digits.slice(0, 3)}-${'*'.repeat(n - 6)}-${digits.slice(-3)}`;
}

/** Runs of digits joined by single separators (hyphen, dot, space), optionally with +82. */
const DIGIT_RUN = /\+?\d(?:\d|[-. ](?=\d))*/g;
const MAX_CHUNKS = 8;

/**
 * Every bank account or phone number a chat text may contain, normalized and de-duplicated.
 * Candidates are generous on purpose (a run of digits may be both an account and a phone, and
 * space-separated runs are tried piece by piece, "30000 010-1234-5678"); only the ones that
 * match a confirmed lookup hash matter.
 */
export function extractPaymentIdentifiers(text: string): NormalizedPaymentIdentifier[] {
  const found = new Map<string, NormalizedPaymentIdentifier>();
  const add = (candidate: string) => {
    const phone = normalizePhone(candidate);
    if (phone) found.set(`PHONE:${phone}`, { type: 'PHONE', value: phone, bank: null });
    const account = normalizeAccountNumber(candidate);
    if (account) found.set(`BANK_ACCOUNT:${account}`, { type: 'BANK_ACCOUNT', value: account, bank: null });
  };
  for (const match of text.normalize('NFKC').matchAll(DIGIT_RUN)) {
    const chunks = match[0].split(' ').slice(0, MAX_CHUNKS);
    for (let from = 0; from < chunks.length; from++) {
      for (let to = from + 1; to <= chunks.length; to++) add(chunks.slice(from, to).join(' '));
    }
  }
  return [...found.values()];
}
