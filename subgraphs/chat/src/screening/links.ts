// Links that pretend to be a safe-payment or marketplace page: "naverpay-safe.com", "kakaopay.co",
// "bunjang.shop", "t0ss-pay.net", "pay.naver.com.secure-login.xyz", punycode "xn--…" hosts that
// read as a brand, "https://pay.naver.com@evil.io". The real domains (and their subdomains) are
// allowed; any other host that spells a brand — exactly, with digits for letters, with Cyrillic or
// Greek look-alike letters, or one typo away — is a LOOKALIKE_LINK. A link to some unrelated site is
// not screened here (the monitor's PHISHING_LINK rule weighs those).
import { domainToUnicode } from 'node:url';
import type { Span } from './findings.ts';

/** The real sites of the brands below (subdomains count). The chat service may add its own. */
export const ALLOWED_LINK_DOMAINS: readonly string[] = [
  'anshim.kr',
  'anshim.co.kr',
  'naver.com',
  'naver.me',
  'navercorp.com',
  'kakaopay.com',
  'kakao.com',
  'kakaocorp.com',
  'kakaobank.com',
  'toss.im',
  'tossbank.com',
  'tosspayments.com',
  'bunjang.co.kr',
  'joongna.com',
  'daangn.com',
  'karrotmarket.com',
];

/** Brands a fake page imitates (Latin skeleton). */
const BRANDS = ['anshim', 'naverpay', 'npay', 'naver', 'kakaopay', 'kakao', 'tosspay', 'toss', 'bunjang', 'bungae', 'joongna', 'junggonara', 'daangn', 'danggeun', 'karrot'];
/** Also matched one typo away: long enough that a typo of them is no everyday word ("karrot" → "parrot" is). */
const TYPO_BRANDS = ['anshim', 'naverpay', 'kakaopay', 'tosspay', 'bunjang', 'joongna', 'junggonara', 'daangn', 'danggeun'];
/** The same brands written in Hangul inside an internationalised domain. */
const HANGUL_BRANDS = ['안심', '네이버', '카카오', '토스', '번개장터', '번장', '중고나라', '당근'];

/** Cyrillic and Greek letters that look Latin, and digits that stand for letters. */
const LOOKALIKE_LETTERS: Readonly<Record<string, string>> = {
  а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', і: 'i', ј: 'j', ѕ: 's', к: 'k', м: 'm', н: 'h', т: 't', в: 'b', ԁ: 'd', ԛ: 'q', ɡ: 'g',
  α: 'a', ο: 'o', ρ: 'p', ν: 'v', ι: 'i', κ: 'k', τ: 't', υ: 'u', ε: 'e',
  '0': 'o', '1': 'l', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '9': 'g',
};

const LABEL = String.raw`[a-z0-9\u0370-\u03ff\u0400-\u04ff\u0500-\u052f\uac00-\ud7a3ɡ](?:[a-z0-9\u0370-\u03ff\u0400-\u04ff\u0500-\u052f\uac00-\ud7a3ɡ-]*[a-z0-9\u0370-\u03ff\u0400-\u04ff\u0500-\u052f\uac00-\ud7a3ɡ])?`;
const DOT = String.raw`(?:\.|\[\.\]|\(\.\))`;
/** scheme? userinfo@? host (labels and a Latin top-level label), then a path; on folded (lower-case) text. */
const LINK = new RegExp(
  String.raw`(?<![a-z0-9@.\-\u0370-\u052f\uac00-\ud7a3])(?:(?:https?|hxxps?):\/\/)?(?:([^\s/@]{1,64})@)?((?:${LABEL}${DOT})+(?:[a-z]{2,24}|xn--[a-z0-9-]+))(?![a-z0-9\-])(?:[/?#:][^\s]*)?`,
  'g',
);

export interface LinkFinding {
  host: string;
  span: Span;
}

function hostOf(raw: string): string {
  const host = raw.replace(/\[\.\]|\(\.\)/g, '.').replace(/\.$/, '');
  const unicode = host.includes('xn--') ? domainToUnicode(host) || host : host;
  return unicode.replace(/^www\./, '');
}

function allowed(host: string, allowList: readonly string[]): boolean {
  return allowList.some((domain) => host === domain || host.endsWith(`.${domain}`));
}

/** The host as Latin letters only: look-alike letters folded, digits read as letters, punctuation gone. */
function skeleton(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFKD').replace(/\p{M}/gu, '').replace(/rn/g, 'm').replace(/vv/g, 'w')) {
    if (ch >= 'a' && ch <= 'z') out += ch;
    else if (LOOKALIKE_LETTERS[ch]) out += LOOKALIKE_LETTERS[ch];
  }
  return out;
}

/** Fewest edits (insert, delete, substitute, swap two neighbours) turning `pattern` into some part of `text`. */
function editsToSubstring(pattern: string, text: string): number {
  const m = pattern.length;
  const n = text.length;
  let before: number[] = new Array<number>(n + 1).fill(0);
  let previous: number[] = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= m; i++) {
    const row = new Array<number>(n + 1);
    row[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = pattern[i - 1] === text[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && pattern[i - 1] === text[j - 2] && pattern[i - 2] === text[j - 1]) best = Math.min(best, before[j - 2]! + 1);
      row[j] = best;
    }
    before = previous;
    previous = row;
  }
  return Math.min(...previous);
}

/** Whether a host (not allow-listed) spells one of the brands. */
export function imitatesBrand(host: string): boolean {
  if (HANGUL_BRANDS.some((brand) => host.includes(brand))) return true;
  // Latin mixed with Cyrillic or Greek in one host is the homograph trick itself.
  const body = host.slice(0, Math.max(0, host.lastIndexOf('.')));
  if (/[a-z]/.test(body) && /[\u0370-\u052f]/.test(body)) return true;
  const plain = host.replace(/[^a-z]/g, '');
  const folded = skeleton(host);
  if (BRANDS.some((brand) => plain.includes(brand) || folded.includes(brand))) return true;
  return TYPO_BRANDS.some((brand) => editsToSubstring(brand, folded) <= 1);
}

/** Links in folded text whose host or user part imitates a brand and is not allow-listed. */
export function findLookalikeLinks(folded: string, allowList: readonly string[] = ALLOWED_LINK_DOMAINS): LinkFinding[] {
  if (!folded.includes('.') && !folded.includes('xn--')) return [];
  const found: LinkFinding[] = [];
  for (const match of folded.matchAll(LINK)) {
    const host = hostOf(match[2]!);
    const userinfo = match[1] ?? '';
    const deceptiveUser = userinfo !== '' && imitatesBrand(userinfo);
    if (allowed(host, allowList) && !deceptiveUser) continue;
    if (!deceptiveUser && !imitatesBrand(host)) continue;
    found.push({ host, span: { start: match.index, end: match.index + match[0].length } });
  }
  return found;
}
