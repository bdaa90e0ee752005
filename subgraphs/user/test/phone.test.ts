import { describe, expect, it } from 'vitest';
import { formatPhone, maskEmail, maskPhone, normalizeEmail, normalizePhone, phoneDigits } from '../src/model.ts';

describe('normalizePhone', () => {
  it.each([
    ['01012345678', '01012345678'],
    ['010-1234-5678', '01012345678'],
    ['010 1234 5678', '01012345678'],
    [' 010.1234.5678 ', '01012345678'],
    ['(010) 1234-5678', '01012345678'],
    ['+82 10-1234-5678', '01012345678'],
    ['+821012345678', '01012345678'],
    ['82-10-1234-5678', '01012345678'],
  ])('%s → %s', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });

  it.each(['', '010-123-456', '0101234567', '010123456789', '011-1234-5678', '02-123-4567', '010-1234-567a', 'phone', '+1 010 1234 5678'])(
    'refuses %j',
    (input) => {
      expect(normalizePhone(input)).toBeNull();
    },
  );
});

describe('phone display', () => {
  it('formats and masks', () => {
    expect(formatPhone('01012345678')).toBe('010-1234-5678');
    expect(maskPhone('01012345678')).toBe('010-****-5678');
  });

  it('compares by digits', () => {
    expect(phoneDigits('010-1234-5678')).toBe(phoneDigits('01012345678'));
  });
});

describe('email helpers', () => {
  it('lowercases and trims', () => {
    expect(normalizeEmail('  Kim.AnShim@Example.COM ')).toBe('kim.anshim@example.com');
  });

  it('masks the local part', () => {
    expect(maskEmail('kim.anshim@example.com')).toBe('ki***@example.com');
    expect(maskEmail('a@example.com')).toBe('a***@example.com');
  });
});
