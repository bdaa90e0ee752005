// Account numbers for e2e tests, one per call. Every e2e file of a run shares one database, and so
// the monitor's payment-identifier links: a fixed number written by several files would join their
// fraudsters into one cluster (LINKED_TO_CONFIRMED_FRAUD, CRITICAL with it) and make a test's exact
// risk level depend on which other files ran first.
import { randomInt } from 'node:crypto';

const HANGUL_DIGITS = ['공', '일', '이', '삼', '사', '오', '육', '칠', '팔', '구'];

/** A Korean bank account number in the usual `123456-78-901234` form, new on every call. */
export function accountNumberOfThisRun(): string {
  return `${randomInt(100_000, 1_000_000)}-${randomInt(10, 100)}-${randomInt(100_000, 1_000_000)}`;
}

/** The same kind of number spelled in Hangul numerals, the spelling a digit filter misses. */
export function accountNumberInHangul(): string {
  return accountNumberOfThisRun().split('-').map((part) => part.replace(/\d/g, (d) => HANGUL_DIGITS[Number(d)]!)).join(' ');
}
