// Finding the numbers in a chat text however they are spelled: "123-456-78-901234",
// "010 1234 5678", "０１０１２３４５６７８", "국민 일이삼사오육 칠팔 구공일이삼사", "공일공-1234-오육칠팔".
//
// A token is a stretch of digits and Hangul numerals; tokens joined by separators (spaces, dots,
// dashes, at most three in a row) form a run. Words decide the rest: a token glued to Latin letters
// is a model or a unit ("128GB", "S23", "SM-G991N") and ends the run; a Hangul numeral glued to
// other Hangul is a word ("이거", "오늘", "사진") unless three or more numerals stand together
// ("구공일이삼사으로") or it continues a run that already started ("…오육칠팔로"). Dates and
// clock times are taken out first, so "2026.12.05 14:30" never becomes a ten-digit number.
import { normalizeBankName } from '@anshim/contracts';
import { HANGUL_DIGITS, IGNORABLE, isDigit, isHangul, isHangulDigit, isLatin, isSeparator } from './normalise.ts';

export interface NumberToken {
  start: number;
  end: number;
  digits: string;
  /** The digits without a trailing "이" glued to the next word ("1234567890이에요"): it may be a particle. */
  withoutParticle?: string;
}

export interface NumberRun {
  start: number;
  end: number;
  /** "+82 10 …": the run follows a plus sign. */
  plus: boolean;
  tokens: NumberToken[];
}

const DATES = /(?<!\d)(?:19|20)\d{2}\s?[.\-/년]\s?\d{1,2}\s?[.\-/월]\s?\d{1,2}(?!\d)/g;
/** Links: the numbers in a path or query ("/products/016585441") are ids, not something to pay to. */
const LINKS = /(?:https?:\/\/|www\.)\S+|(?<![a-z0-9.-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\/\S*/g;
const TIMES = /(?<!\d)\d{1,2}\s?:\s?\d{2}(?::\d{2})?(?!\d)/g;
const MAX_GAP = 3;
/** Pure Hangul numerals glued to a word count as a number from this many on. */
const GLUED_NUMERALS_MIN = 3;

/** Links, dates and times replaced by '#', same length: they end runs and never become digits. */
function withoutLinksDatesAndTimes(folded: string): string {
  const blank = (match: string) => '#'.repeat(match.length);
  let scan = folded.includes('/') || folded.includes('www.') ? folded.replace(LINKS, blank) : folded;
  if (scan.includes(':') || /\d[.\-/년]/.test(scan)) scan = scan.replace(DATES, blank).replace(TIMES, blank);
  return scan;
}

const isNumeral = (ch: string | undefined) => isDigit(ch) || isHangulDigit(ch);

/** The Latin word that ends right before `at` ("kb" in "kb123…"). */
function latinWordBefore(text: string, at: number): string {
  let from = at;
  while (from > 0 && isLatin(text[from - 1])) from--;
  return text.slice(from, at);
}

type Glue = 'latin' | 'hangul' | null;
const glueOf = (ch: string | undefined): Glue => (isLatin(ch) ? 'latin' : isHangul(ch) ? 'hangul' : null);

interface RawToken extends NumberToken {
  left: Glue;
  right: Glue;
  hangulOnly: boolean;
  numerals: number;
}

function readToken(scan: string, start: number): RawToken {
  let end = start;
  while (end < scan.length && (isNumeral(scan[end]) || (scan[end] === IGNORABLE && isNumeral(scan[end + 1])))) end++;
  let digits = '';
  let numerals = 0;
  let hangulOnly = true;
  for (let i = start; i < end; i++) {
    const ch = scan[i]!;
    if (isDigit(ch)) {
      digits += ch;
      hangulOnly = false;
    } else if (ch !== IGNORABLE) {
      digits += HANGUL_DIGITS[ch]!;
      numerals++;
    }
  }
  const token: RawToken = { start, end, digits, left: glueOf(scan[start - 1]), right: glueOf(scan[end]), hangulOnly, numerals };
  if (!hangulOnly && token.right === 'hangul' && scan[end - 1] === '이' && isDigit(scan[end - 2])) token.withoutParticle = digits.slice(0, -1);
  return token;
}

/** A numeral follows `at` across at most MAX_GAP separators. */
function numeralAfter(scan: string, at: number): boolean {
  for (let i = at; i < scan.length && i <= at + MAX_GAP; i++) {
    if (isNumeral(scan[i])) return i > at;
    if (!isSeparator(scan[i])) return false;
  }
  return false;
}

/**
 * Whether a token is part of a number; `continuing` when it follows a run's token across a
 * separator. One Hangul numeral standing alone needs a numeral neighbour, and "이" one on its
 * right: alone it is far more often "this" or a particle ("…441 이 상품") than the digit 2.
 */
function accepted(token: RawToken, scan: string, continuing: boolean): boolean {
  if (token.right === 'latin') return false;
  if (token.left === 'latin') return normalizeBankName(latinWordBefore(scan, token.start)) !== null;
  if (!token.hangulOnly) return true;
  if (token.numerals === 1 && token.left === null) {
    const followed = token.right === null && numeralAfter(scan, token.end);
    return followed || (continuing && scan[token.start] !== '이');
  }
  if (token.left === null && token.right === null) return true;
  if (token.numerals >= GLUED_NUMERALS_MIN) return true;
  return continuing && token.left === null;
}

function gapIsSeparators(scan: string, from: number, to: number): boolean {
  if (to - from < 1 || to - from > MAX_GAP) return false;
  for (let i = from; i < to; i++) if (!isSeparator(scan[i])) return false;
  return true;
}

/** Every run of number tokens in folded text (see normalise.ts), in order. */
export function findNumberRuns(folded: string): NumberRun[] {
  const scan = withoutLinksDatesAndTimes(folded);
  const runs: NumberRun[] = [];
  let current: NumberRun | null = null;
  const close = () => {
    if (current) runs.push(current);
    current = null;
  };
  let i = 0;
  while (i < scan.length) {
    if (!isNumeral(scan[i])) {
      i++;
      continue;
    }
    const token = readToken(scan, i);
    i = token.end;
    const open = current as NumberRun | null;
    const continuing = open !== null && token.left === null && gapIsSeparators(scan, open.end, token.start);
    if (!accepted(token, scan, continuing)) {
      close();
      continue;
    }
    const piece: NumberToken = { start: token.start, end: token.end, digits: token.digits, withoutParticle: token.withoutParticle };
    if (continuing && open) {
      open.tokens.push(piece);
      open.end = token.end;
    } else {
      close();
      current = { start: token.start, end: token.end, plus: plusBefore(scan, token.start), tokens: [piece] };
    }
    if (token.right !== null) close();
  }
  close();
  return runs;
}

function plusBefore(scan: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && scan[i] === ' ') i--;
  return scan[i] === '+';
}

export interface RunPiece {
  digits: string;
  start: number;
  end: number;
  /** The piece begins the run and the run follows "+". */
  plus: boolean;
  /** Every token of the piece is a round amount ("50000 50000"): money, not an account. */
  amounts: boolean;
}

/** No payment identifier is shorter (accounts 8–16 digits, mobiles 10–11) or longer. */
const MIN_DIGITS = 8;
const MAX_DIGITS = 16;
const isAmount = (digits: string) => /^[1-9]\d*000$/.test(digits);

/**
 * Every stretch of consecutive tokens of a run that is 8–16 digits long, with and without a
 * particle-looking trailing "이": the generous candidate list a registry lookup needs, since a run
 * may carry a stray number before or after the identifier ("이 010-1234-5678", "30000 …").
 * At most `budget` pieces, so a message made of hundreds of numbers stays cheap to screen.
 */
export function runPieces(run: NumberRun, budget: number): RunPiece[] {
  const pieces: RunPiece[] = [];
  const push = (piece: RunPiece) => {
    if (piece.digits.length >= MIN_DIGITS && piece.digits.length <= MAX_DIGITS && pieces.length < budget) pieces.push(piece);
  };
  for (let from = 0; from < run.tokens.length && pieces.length < budget; from++) {
    let digits = '';
    let amounts = true;
    const start = run.tokens[from]!.start;
    const plus = from === 0 && run.plus;
    for (let to = from; to < run.tokens.length; to++) {
      const token = run.tokens[to]!;
      if (token.withoutParticle !== undefined) {
        push({ digits: digits + token.withoutParticle, start, end: token.end - 1, plus, amounts: amounts && isAmount(token.withoutParticle) });
      }
      digits += token.digits;
      amounts = amounts && isAmount(token.digits);
      if (digits.length > MAX_DIGITS) break;
      push({ digits, start, end: token.end, plus, amounts });
    }
  }
  return pieces;
}
