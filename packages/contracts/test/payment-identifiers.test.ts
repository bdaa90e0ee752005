import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  extractPaymentIdentifiers,
  maskPaymentIdentifier,
  normalizeBankName,
  normalizePaymentIdentifier,
  paymentIdentifierHash,
} from '../src/index.ts';

describe('normalizing payment identifiers', () => {
  it.each([
    ['국민', 'KB국민은행'],
    ['국민은행', 'KB국민은행'],
    ['KB국민은행', 'KB국민은행'],
    ['kb 국민', 'KB국민은행'],
    ['농협', 'NH농협은행'],
    ['NH농협', 'NH농협은행'],
    ['KEB하나은행', '하나은행'],
    ['카뱅', '카카오뱅크'],
    ['기업은행', 'IBK기업은행'],
    ['우체국', '우체국'],
  ])('knows the bank alias %s as %s', (alias, bank) => {
    expect(normalizeBankName(alias)).toBe(bank);
  });

  it('keeps only the digits of an account, whatever the separators, and names the bank', () => {
    const expected = { type: 'BANK_ACCOUNT', value: '12345678901234', bank: 'KB국민은행' };
    expect(normalizePaymentIdentifier('BANK_ACCOUNT', '국민은행 123456-78-901234')).toEqual(expected);
    expect(normalizePaymentIdentifier('BANK_ACCOUNT', 'KB국민은행 123456 78 901234')).toEqual(expected);
    expect(normalizePaymentIdentifier('BANK_ACCOUNT', '국민 １２３４５６-７８-９０１２３４')).toEqual(expected);
    expect(normalizePaymentIdentifier('BANK_ACCOUNT', '123456.78.901234')).toEqual({ ...expected, bank: null });
  });

  it('writes phones as 010XXXXXXXX', () => {
    for (const raw of ['010-1234-5678', '010 1234 5678', '01012345678', '+82 10-1234-5678', '+82-010-1234-5678', '(010) 1234.5678']) {
      expect(normalizePaymentIdentifier('PHONE', raw)).toEqual({ type: 'PHONE', value: '01012345678', bank: null });
    }
  });

  it('rejects what normalizes to nothing', () => {
    expect(normalizePaymentIdentifier('BANK_ACCOUNT', '국민은행')).toBeNull();
    expect(normalizePaymentIdentifier('BANK_ACCOUNT', '  --  ')).toBeNull();
    expect(normalizePaymentIdentifier('BANK_ACCOUNT', '1234')).toBeNull();
    expect(normalizePaymentIdentifier('PHONE', '02-123-4567')).toBeNull();
    expect(normalizePaymentIdentifier('PHONE', '전화번호')).toBeNull();
  });
});

describe('masking', () => {
  it('shows an account as 123456-**-***234 and a phone as 010-****-5678', () => {
    expect(maskPaymentIdentifier({ type: 'BANK_ACCOUNT', value: '12345678901234' })).toBe('123456-**-***234');
    expect(maskPaymentIdentifier({ type: 'BANK_ACCOUNT', value: '1234567890' })).toBe('123-****-890');
    expect(maskPaymentIdentifier({ type: 'PHONE', value: '01012345678' })).toBe('010-****-5678');
    expect(maskPaymentIdentifier({ type: 'PHONE', value: '0111234567' })).toBe('011-***-4567');
  });
});

/** A keyed hash like the platform's FieldCipher.lookupHash; the contract only needs one that depends on the key. */
const keyedHasher = (key: string) => ({ lookupHash: (value: string) => createHmac('sha256', key).update(value).digest('hex') });

describe('extracting from chat text and hashing', () => {
  const cipher = keyedHasher('ab'.repeat(32));
  const hashOf = (type: 'BANK_ACCOUNT' | 'PHONE', raw: string) => paymentIdentifierHash(cipher, normalizePaymentIdentifier(type, raw)!);

  it('finds the same account and phone however they are typed, next to other numbers', () => {
    const text = '3만원이요 국민 123456 78 901234 로 먼저 보내주시고 010.1234.5678 로 문자 주세요';
    const hashes = extractPaymentIdentifiers(text).map((id) => paymentIdentifierHash(cipher, id));
    expect(hashes).toContain(hashOf('BANK_ACCOUNT', 'KB국민은행 123456-78-901234'));
    expect(hashes).toContain(hashOf('PHONE', '+82 10-1234-5678'));
  });

  it('finds nothing in text without such numbers', () => {
    expect(extractPaymentIdentifiers('내일 3시에 강남역 2번 출구에서 만나요')).toEqual([]);
  });

  it('hashes with the key: the bank name does not change the hash, another key does', () => {
    expect(hashOf('BANK_ACCOUNT', '국민 123456-78-901234')).toBe(hashOf('BANK_ACCOUNT', '123456 78 901234'));
    expect(hashOf('BANK_ACCOUNT', '12345678901234')).not.toBe(hashOf('PHONE', '01012345678'));
    const other = keyedHasher('cd'.repeat(32));
    expect(paymentIdentifierHash(other, { type: 'PHONE', value: '01012345678' })).not.toBe(hashOf('PHONE', '01012345678'));
  });
});
