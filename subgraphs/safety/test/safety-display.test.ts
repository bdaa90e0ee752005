// The display texts: every grade has a label, colour, icon and plain advice in both languages.
import { describe, expect, it } from 'vitest';
import { BADGE_TEXT, HINT_TEXT } from '../src/messages.ts';
import { buildDisplay, GRADE_LOOK } from '../src/score/safety-display.ts';
import { SAFETY_GRADES } from '../src/model.ts';

describe('safety display', () => {
  it('is Korean by default with the CAUTION advice of the issue', () => {
    const display = buildDisplay({ value: 32, grade: 'CAUTION', badges: ['IDENTITY_VERIFIED'] }, 'ko');
    expect(display).toMatchObject({ grade: 'CAUTION', label: '주의', color: '#B45309', icon: 'warning', badges: ['본인인증 완료'], hints: [] });
    expect(display.message).toContain('직접 만나서 물건을 확인한 뒤 결제하세요');
    expect(display.accessibleText).toBe(`안전 등급 주의, 100점 만점에 32점. 배지: 본인인증 완료. ${display.message}`);
  });

  it('speaks English for en', () => {
    const display = buildDisplay({ value: 85.5, grade: 'VERY_SAFE', badges: ['TRADES_10', 'NO_REPORTS'] }, 'en');
    expect(display.label).toBe('Very safe');
    expect(display.badges).toEqual(['10+ trades', 'No reports']);
    expect(display.accessibleText).toMatch(/^Safety grade: Very safe, 85\.5 out of 100\. Badges: 10\+ trades, No reports\. /);
  });

  it('has text, icon and colour for every grade, never colour alone', () => {
    for (const grade of SAFETY_GRADES) {
      const look = GRADE_LOOK[grade];
      expect(look.color).toMatch(/^#[0-9A-F]{6}$/);
      expect(look.icon).toMatch(/^[a-z_]+$/);
      for (const locale of ['ko', 'en'] as const) {
        expect(look.label[locale].length).toBeGreaterThan(0);
        const sentences = look.message[locale].split(/(?<=[.!?])\s+/);
        expect(sentences.length).toBeGreaterThanOrEqual(1);
        expect(sentences.length).toBeLessThanOrEqual(2);
      }
    }
    expect(new Set(SAFETY_GRADES.map((g) => GRADE_LOOK[g].color)).size).toBe(5);
  });

  it('adds listing hints and skips unknown badges', () => {
    const display = buildDisplay({ value: 50, grade: 'NORMAL', badges: ['NEW_MEMBER', 'SOMETHING_OLD'], hints: ['NEW_SELLER', 'PRICE_FAR_BELOW'] }, 'ko');
    expect(display.badges).toEqual(['신규 회원']);
    expect(display.hints).toEqual([HINT_TEXT.NEW_SELLER.ko, HINT_TEXT.PRICE_FAR_BELOW.ko]);
    expect(display.accessibleText.endsWith(HINT_TEXT.PRICE_FAR_BELOW.ko)).toBe(true);
  });

  it('names every badge in both languages', () => {
    for (const text of Object.values(BADGE_TEXT)) expect(text.ko && text.en).toBeTruthy();
  });
});
