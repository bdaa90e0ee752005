// BEHAVIOUR_CHANGE as pure logic: an established account (old, SAFE or better) that suddenly lists
// cheap high-value items and/or asks to pay off the app, in Korean and English; the same counts on
// a new or low-graded account, or an activity that is not one of the signs, do not match it.
import { describe, expect, it } from 'vitest';
import {
  BEHAVIOUR_CHANGE,
  BEHAVIOUR_CHANGE_MIN_SIGNS,
  evaluateRules,
  HIGH_VALUE_MEDIAN_WON,
  isCheapHighValue,
  isEstablished,
  type ActivityType,
  type RuleFacts,
} from '../src/rules/index.ts';

const at = new Date('2026-12-01T00:00:00Z');
const DAY = 24 * 3_600_000;

function facts(type: ActivityType, behaviour: RuleFacts['behaviour'], more: Partial<RuleFacts> = {}): RuleFacts {
  return {
    activity: { type, userId: 'seller', at, ...(type === 'CHAT_MESSAGE' ? { counterpartId: 'buyer' } : { productId: 'p', amount: 150_000 }) },
    subjectRegisteredAt: new Date(at.getTime() - 400 * DAY),
    subjectGrade: 'VERY_SAFE',
    behaviour,
    allowedDomains: [],
    ...more,
  };
}
const matches = (f: RuleFacts) => evaluateRules(f).some((rule) => rule.code === 'BEHAVIOUR_CHANGE');

describe('BEHAVIOUR_CHANGE', () => {
  it('three cheap high-value listings in a day from a long-standing VERY_SAFE seller', () => {
    expect(matches(facts('LISTING_CREATED', { cheapHighValueListings: 3, offAppRequests: 0, thisActivityCounts: true }))).toBe(true);
    expect(matches(facts('LISTING_CREATED', { cheapHighValueListings: 2, offAppRequests: 0, thisActivityCounts: true }))).toBe(false);
  });

  it('off-app requests count with them (a chat message that is one)', () => {
    expect(matches(facts('CHAT_MESSAGE', { cheapHighValueListings: 0, offAppRequests: 3, thisActivityCounts: true }))).toBe(true);
    expect(matches(facts('CHAT_MESSAGE', { cheapHighValueListings: 2, offAppRequests: 1, thisActivityCounts: true }))).toBe(true);
    expect(BEHAVIOUR_CHANGE_MIN_SIGNS).toBe(3);
  });

  it('is not hidden by a good grade: SAFE and VERY_SAFE are exactly whom it is about', () => {
    const signs = { cheapHighValueListings: 1, offAppRequests: 2, thisActivityCounts: true };
    expect(matches(facts('CHAT_MESSAGE', signs, { subjectGrade: 'SAFE' }))).toBe(true);
    expect(matches(facts('CHAT_MESSAGE', signs, { subjectGrade: 'NORMAL' }))).toBe(false);
    expect(matches(facts('CHAT_MESSAGE', signs, { subjectGrade: null }))).toBe(false);
  });

  it('a young account is not "established" (NEW_ACCOUNT_HIGH_VALUE and PRICE_TOO_GOOD are its rules)', () => {
    const signs = { cheapHighValueListings: 5, offAppRequests: 5, thisActivityCounts: true };
    expect(matches(facts('LISTING_CREATED', signs, { subjectRegisteredAt: new Date(at.getTime() - 30 * DAY) }))).toBe(false);
    expect(matches(facts('LISTING_CREATED', signs, { subjectRegisteredAt: null }))).toBe(false);
    expect(isEstablished({ activity: { type: 'LOGIN', userId: 'u', at }, subjectRegisteredAt: new Date(at.getTime() - 90 * DAY), subjectGrade: 'SAFE' })).toBe(true);
  });

  it('only fires on an activity that is itself one of the signs, and never on other kinds of activity', () => {
    expect(matches(facts('LISTING_CREATED', { cheapHighValueListings: 3, offAppRequests: 3, thisActivityCounts: false }))).toBe(false);
    expect(matches(facts('LISTING_CREATED', undefined))).toBe(false);
    expect(matches(facts('LOGIN', { cheapHighValueListings: 3, offAppRequests: 3, thisActivityCounts: true }))).toBe(false);
  });

  it('cheap high-value: a category worth at least 300,000 won, priced under 40% of its median', () => {
    expect(HIGH_VALUE_MEDIAN_WON).toBe(300_000);
    expect(isCheapHighValue(150_000, 1_000_000)).toBe(true);
    expect(isCheapHighValue(400_000, 1_000_000)).toBe(false);
    expect(isCheapHighValue(50_000, 200_000)).toBe(false);
    expect(isCheapHighValue(0, 1_000_000)).toBe(false);
    expect(isCheapHighValue(150_000, null)).toBe(false);
  });

  it('speaks plain Korean and English, to the buyer and on the listing', () => {
    expect(BEHAVIOUR_CHANGE).toMatchObject({ level: 'HIGH', recipients: 'counterpart' });
    expect(BEHAVIOUR_CHANGE.message.ko).toMatch(/도용당했을 수 있으니 선입금하지 말고/);
    expect(BEHAVIOUR_CHANGE.message.en).toMatch(/may have been taken over: do not pay in advance/);
    expect(BEHAVIOUR_CHANGE.productWarning!.ko).toMatch(/안전결제/);
    expect(BEHAVIOUR_CHANGE.productWarning!.en).toMatch(/safe payment/);
  });
});
