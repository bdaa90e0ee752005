// Protected mode in both directions (pure): who refuses whom, what reason, and what the refused
// buyer reads (their own grade; never the seller's private minimum).
import { describe, expect, it } from 'vitest';
import { defaultParty, sellerProtectionRefusal, startRefusal } from '../src/trades/trade-guards.ts';
import type { SafetyGrade } from '../src/model.ts';

const party = (grade: SafetyGrade | null, protectedMode = false, minCounterpartGrade: SafetyGrade | null = null) => ({
  ...defaultParty('00000000-0000-4000-8000-000000000001'),
  grade,
  protectedMode,
  minCounterpartGrade,
});
const now = new Date();

describe('a protected seller', () => {
  it.each([
    ['DANGER', 'SAFE', true],
    ['CAUTION', 'NORMAL', true],
    [null, 'SAFE', true], // unscored counts as NORMAL
    ['SAFE', 'SAFE', false],
    ['VERY_SAFE', 'SAFE', false],
    [null, 'NORMAL', false],
  ] as const)('buyer %s against minimum %s: refused %s', (buyerGrade, minimum, refused) => {
    const refusal = startRefusal(party(buyerGrade), party('SAFE', true, minimum), now);
    expect(refusal?.reason ?? null).toBe(refused ? 'BUYER_GRADE_BELOW_MINIMUM' : null);
  });

  it('with no minimum chosen refuses below NORMAL', () => {
    expect(sellerProtectionRefusal(party('CAUTION'), party('SAFE', true, null))?.reason).toBe('BUYER_GRADE_BELOW_MINIMUM');
    expect(sellerProtectionRefusal(party('NORMAL'), party('SAFE', true, null))).toBeNull();
  });

  it('is not protection when switched off, whatever minimum is stored', () => {
    expect(sellerProtectionRefusal(party('DANGER'), party('SAFE', false, 'VERY_SAFE'))).toBeNull();
  });

  it('tells the buyer their own grade in plain words, never the seller\'s minimum', () => {
    const refusal = sellerProtectionRefusal(party('CAUTION'), party('SAFE', true, 'VERY_SAFE'))!;
    expect(refusal.details).toEqual({ buyerGrade: 'CAUTION' });
    expect(refusal.message.ko).toContain('(주의)');
    expect(refusal.message.ko).not.toContain('매우 안전');
    expect(refusal.message.en).toContain('(caution)');
    expect(refusal.message.en).not.toContain('very safe');
  });

  it('a protected buyer is checked first: both protected, both below, the buyer reads the seller-grade reason', () => {
    expect(startRefusal(party('CAUTION', true, 'SAFE'), party('CAUTION', true, 'SAFE'), now)?.reason).toBe('SELLER_GRADE_BELOW_MINIMUM');
  });
});
