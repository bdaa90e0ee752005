// Someone asks to pay outside the app (advance transfer to a bank account, moving to a messenger),
// the most common way buyers lose money on second-hand marketplaces.
import type { Rule } from './types.ts';
import { compact, normalise } from './text.ts';

/** Words that by themselves move the deal off the app. Matched on spaceless text. */
const OFF_APP_KO = ['선입금', '선결제', '계좌이체', '계좌로', '계좌번호', '입금먼저', '먼저입금', '카톡아이디', '카톡id', '카카오톡아이디', '카톡으로연락', '카톡으로얘기', '오픈채팅', '오픈톡', '텔레그램', '라인아이디'];
const OFF_APP_EN = [
  /\b(pay|payment|send (the )?money|transfer)\s+(up ?front|in advance|first)\b/,
  /\b(bank|wire) transfer\b/,
  /\bmy (bank )?account (number|no)\b/,
  /\b(kakao|kakaotalk|telegram|whatsapp|line) ?(id|me|chat)\b/,
  /\b(add|text|message|contact) me on (kakao|kakaotalk|telegram|whatsapp|line)\b/,
];
const BANK_WORDS = /(은행|뱅크|농협|신협|우체국|새마을|계좌|입금|송금|bank|account|transfer|deposit)/;
/** A hyphenated or long digit run shaped like a Korean account number (10–16 digits), not a phone number. */
const ACCOUNT_NUMBER = /(?<!\d)(\d{2,6}(?:[- ]\d{2,8}){1,3}|\d{10,16})(?!\d)/g;
const PHONE = /^01[016789]/;

function hasAccountNumber(text: string): boolean {
  for (const match of text.matchAll(ACCOUNT_NUMBER)) {
    const digits = match[0].replace(/\D/g, '');
    if (digits.length >= 10 && digits.length <= 16 && !PHONE.test(digits)) return true;
  }
  return false;
}

export function asksForOffPlatformPayment(text: string): boolean {
  const spaced = normalise(text);
  const spaceless = compact(text);
  if (OFF_APP_KO.some((word) => spaceless.includes(word))) return true;
  if (OFF_APP_EN.some((pattern) => pattern.test(spaced))) return true;
  return hasAccountNumber(spaced) && BANK_WORDS.test(spaceless);
}

export const OFF_PLATFORM_PAYMENT_REQUEST: Rule = {
  code: 'OFF_PLATFORM_PAYMENT_REQUEST',
  level: 'HIGH',
  message: {
    ko: '상대방이 앱 밖에서 돈을 보내달라고 했어요(선입금·계좌이체·메신저). 돈을 먼저 보내지 말고 안심 안전결제만 이용하세요.',
    en: 'The other person asked you to pay outside the app (advance bank transfer or a messenger). Do not send money first; pay only through Anshim safe payment.',
  },
  signalHours: 72,
  recipients: 'counterpart',
  // The chat service's screening (every spelling of an account number) or, for an ADMIN's recorded activity, the text.
  matches: ({ activity, screeningFindings }) =>
    (activity.type === 'CHAT_MESSAGE' || activity.type === 'PAYMENT_REQUEST') &&
    ((screeningFindings?.includes('PAYMENT_IDENTIFIER') ?? false) || (Boolean(activity.text) && asksForOffPlatformPayment(activity.text!))),
};
