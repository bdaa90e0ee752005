// Folding the spellings people use to slip a number or a name past a filter: full-width and
// circled digits, mathematical digits, zero-width characters between digits, upper case. Every
// character folds to exactly one character, so an offset in the folded text is the same offset in
// the original: a finding's span can be masked in what the sender typed.
//
// Hangul numerals (공/영 일 이 삼 사 오 육 칠 팔 구) are NOT folded here: the same syllables are
// everyday words and particles (이, 일, 사, 오), so whether one is a digit depends on its
// neighbours; identifiers.ts decides that per run of characters.

/** Stands for a character that is invisible between digits (zero-width space, soft hyphen…). */
export const IGNORABLE = '\u200b';

export const HANGUL_DIGITS: Readonly<Record<string, string>> = {
  공: '0',
  영: '0',
  일: '1',
  이: '2',
  삼: '3',
  사: '4',
  오: '5',
  육: '6',
  륙: '6',
  칠: '7',
  팔: '8',
  구: '9',
};

const INVISIBLE = new Set([0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x00ad, 0x180e]);

function foldCode(code: number, next: number): string | null {
  if (code >= 0xff01 && code <= 0xff5e) return String.fromCharCode(code - 0xfee0).toLowerCase(); // full-width ASCII
  if (code >= 0x2460 && code <= 0x2468) return String.fromCharCode(0x31 + code - 0x2460); // ①–⑨
  if (code === 0x24ea || code === 0x24ff) return '0'; // ⓪ ⓿
  if (code >= 0x2776 && code <= 0x277e) return String.fromCharCode(0x31 + code - 0x2776); // ❶–❾
  if (code >= 0x2080 && code <= 0x2089) return String.fromCharCode(0x30 + code - 0x2080); // subscript
  if (code === 0x3000) return ' '; // ideographic space
  if (INVISIBLE.has(code)) return IGNORABLE;
  // Mathematical digits 𝟎–𝟿 (U+1D7CE–U+1D7FF) are surrogate pairs: the digit, then an ignorable.
  if (code === 0xd835 && next >= 0xdfce && next <= 0xdfff) return String.fromCharCode(0x30 + ((next - 0xdfce) % 10));
  return null;
}

/** The text folded character by character (same length, same offsets), lower-cased. */
export function foldText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const folded = foldCode(code, text.charCodeAt(i + 1));
    if (folded !== null) {
      out += folded;
      if (code === 0xd835) {
        out += IGNORABLE;
        i++;
      }
      continue;
    }
    const ch = text[i]!;
    const lower = ch.toLowerCase();
    out += lower.length === 1 ? lower : ch;
  }
  return out;
}

/** The folded text without spaces and the punctuation people put inside words ("선 입 금", "텔.레.그.램"). */
export function compactText(folded: string): string {
  return folded.replace(/[\s.·_\-~*/\u200b]+/g, '');
}

export const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '9';
export const isHangulDigit = (ch: string | undefined): boolean => ch !== undefined && ch in HANGUL_DIGITS;
export const isLatin = (ch: string | undefined): boolean => ch !== undefined && ch >= 'a' && ch <= 'z';
export const isHangul = (ch: string | undefined): boolean => ch !== undefined && ch >= '\uac00' && ch <= '\ud7a3';

/** What may stand between the pieces of one number: spaces, dots, dashes and their look-alikes. */
const SEPARATORS = new Set([' ', '\t', '\n', '\r', '-', '.', '·', '_', '~', 'ㅡ', '—', '–', '‒', '―', '−', IGNORABLE]);
export const isSeparator = (ch: string | undefined): boolean => ch !== undefined && SEPARATORS.has(ch);
