import { describe, expect, it } from 'vitest';
import { COMPLETENESS_WEIGHTS, profileCompleteness, type ProfileFacts } from '../src/users/profile-completeness.ts';

const empty: ProfileFacts = { nickname: null, hasPhone: false, bio: null, region: null, emailVerified: false, phoneVerified: false };
const full: ProfileFacts = { nickname: '김안심', hasPhone: true, bio: '안녕하세요', region: '서울 마포구', emailVerified: true, phoneVerified: true };

describe('profileCompleteness', () => {
  it('weights add up to exactly 100', () => {
    expect(Object.values(COMPLETENESS_WEIGHTS).reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('is 0 for nothing and 100 for everything', () => {
    expect(profileCompleteness(empty)).toBe(0);
    expect(profileCompleteness(full)).toBe(100);
  });

  it('counts each part by its weight', () => {
    expect(profileCompleteness({ ...empty, nickname: 'a' })).toBe(COMPLETENESS_WEIGHTS.nickname);
    expect(profileCompleteness({ ...empty, hasPhone: true })).toBe(COMPLETENESS_WEIGHTS.phone);
    expect(profileCompleteness({ ...empty, bio: 'x' })).toBe(COMPLETENESS_WEIGHTS.bio);
    expect(profileCompleteness({ ...empty, region: 'x' })).toBe(COMPLETENESS_WEIGHTS.region);
    expect(profileCompleteness({ ...empty, emailVerified: true })).toBe(COMPLETENESS_WEIGHTS.emailVerified);
    expect(profileCompleteness({ ...empty, hasPhone: true, phoneVerified: true })).toBe(COMPLETENESS_WEIGHTS.phone + COMPLETENESS_WEIGHTS.phoneVerified);
  });

  it('ignores blank text and a phone verification without a phone', () => {
    expect(profileCompleteness({ ...empty, nickname: '   ', bio: '', region: ' ' })).toBe(0);
    expect(profileCompleteness({ ...empty, phoneVerified: true })).toBe(0);
  });

  it('grows monotonically as parts are added', () => {
    const steps: ProfileFacts[] = [
      empty,
      { ...empty, nickname: 'a' },
      { ...empty, nickname: 'a', hasPhone: true },
      { ...empty, nickname: 'a', hasPhone: true, emailVerified: true },
      { ...full, bio: null },
      full,
    ];
    const values = steps.map(profileCompleteness);
    expect([...values].sort((a, b) => a - b)).toEqual(values);
    expect(new Set(values).size).toBe(values.length);
  });
});
