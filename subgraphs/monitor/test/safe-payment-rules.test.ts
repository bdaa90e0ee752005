// The payment rules as pure logic (rules/safe-payment.ts): a seller's off-app request after the
// buyer started a safe payment, repeated disputes against a seller, a buyer's failed-payment burst.
import { describe, expect, it } from 'vitest';
import {
  combineLevels,
  DISPUTES_MIN_BUYERS,
  evaluateRules,
  OFF_APP_AFTER_SAFE_PAYMENT,
  PAYMENT_FAILURE_BURST,
  PAYMENT_FAILURES_MIN,
  REPEATED_DISPUTES,
  RULES,
  type ActivityFacts,
  type RuleFacts,
} from '../src/rules/index.ts';

const now = new Date('2026-12-06T00:00:00Z');
const TRADE = { transactionId: '00000000-0000-4000-8000-000000000001', productId: '00000000-0000-4000-8000-000000000002' };

function facts(activity: Partial<ActivityFacts>, more: Partial<RuleFacts> = {}): RuleFacts {
  return { activity: { type: 'CHAT_MESSAGE', userId: 'seller', counterpartId: 'buyer', at: now, ...activity }, allowedDomains: [], ...more };
}
const codes = (f: RuleFacts) => evaluateRules(f).map((rule) => rule.code);

describe('OFF_APP_AFTER_SAFE_PAYMENT', () => {
  it.each([['PAYMENT_IDENTIFIER'], ['OFF_APP_CONTACT'], ['KNOWN_FRAUD_IDENTIFIER']])('a %s finding after a safe payment was started matches, HIGH, for the buyer', (code) => {
    const matched = evaluateRules(facts({}, { screeningFindings: [code], safePayment: TRADE }));
    expect(matched.map((rule) => rule.code)).toContain('OFF_APP_AFTER_SAFE_PAYMENT');
    expect(OFF_APP_AFTER_SAFE_PAYMENT).toMatchObject({ level: 'HIGH', recipients: 'counterpart' });
  });

  it('supersedes the generic off-app rules for the same message: one alert, one HIGH, never CRITICAL by itself', () => {
    const matched = evaluateRules(facts({}, { screeningFindings: ['PAYMENT_IDENTIFIER', 'OFF_APP_CONTACT'], safePayment: TRADE }));
    expect(matched.map((rule) => rule.code)).toEqual(['OFF_APP_AFTER_SAFE_PAYMENT']);
    expect(combineLevels(matched.map((rule) => ({ rule: rule.code, level: rule.level })))).toBe('HIGH');
  });

  it('before any safe payment only the existing rules match', () => {
    expect(codes(facts({}, { screeningFindings: ['PAYMENT_IDENTIFIER'], safePayment: null }))).toEqual(['OFF_PLATFORM_PAYMENT_REQUEST']);
    expect(codes(facts({}, { screeningFindings: ['OFF_APP_CONTACT'] }))).toEqual(['OFF_APP_CONTACT']);
  });

  it('a safe payment with an honest message, or findings that are not about paying off the app, match nothing new', () => {
    expect(codes(facts({}, { screeningFindings: [], safePayment: TRADE }))).toEqual([]);
    expect(codes(facts({}, { screeningFindings: ['LOOKALIKE_LINK'], safePayment: TRADE }))).toEqual(['PHISHING_LINK']);
    expect(codes(facts({ type: 'LISTING_CREATED' }, { screeningFindings: ['PAYMENT_IDENTIFIER'], safePayment: TRADE }))).not.toContain('OFF_APP_AFTER_SAFE_PAYMENT');
  });

  it('explains itself in plain Korean and English', () => {
    expect(OFF_APP_AFTER_SAFE_PAYMENT.message.ko).toMatch(/안전결제/);
    expect(OFF_APP_AFTER_SAFE_PAYMENT.message.en).toMatch(/safe payment/);
  });
});

describe('REPEATED_DISPUTES', () => {
  const dispute = (buyers: number) => facts({ type: 'PAYMENT_DISPUTED' }, { disputingBuyersInWindow: buyers });
  it(`matches from ${DISPUTES_MIN_BUYERS} different buyers in the window, MEDIUM, for the admins only`, () => {
    expect(codes(dispute(DISPUTES_MIN_BUYERS - 1))).toEqual([]);
    expect(codes(dispute(DISPUTES_MIN_BUYERS))).toEqual(['REPEATED_DISPUTES']);
    expect(REPEATED_DISPUTES).toMatchObject({ level: 'MEDIUM', recipients: 'none' });
  });
  it('only a dispute counts (the same count on a chat message matches nothing)', () => {
    expect(codes(facts({}, { disputingBuyersInWindow: 10 }))).toEqual([]);
  });
});

describe('PAYMENT_FAILURE_BURST', () => {
  it(`matches from ${PAYMENT_FAILURES_MIN} failed payments in the window, MEDIUM, for the admins only`, () => {
    expect(codes(facts({ type: 'PAYMENT_FAILED', userId: 'buyer', counterpartId: 'seller' }, { failedPaymentsInWindow: PAYMENT_FAILURES_MIN - 1 }))).toEqual([]);
    expect(codes(facts({ type: 'PAYMENT_FAILED', userId: 'buyer', counterpartId: 'seller' }, { failedPaymentsInWindow: PAYMENT_FAILURES_MIN }))).toEqual(['PAYMENT_FAILURE_BURST']);
    expect(PAYMENT_FAILURE_BURST).toMatchObject({ level: 'MEDIUM', recipients: 'none' });
  });
});

describe('the catalogue', () => {
  it('has every payment rule once, each with both languages', () => {
    for (const code of ['OFF_APP_AFTER_SAFE_PAYMENT', 'REPEATED_DISPUTES', 'PAYMENT_FAILURE_BURST']) {
      const rules = RULES.filter((rule) => rule.code === code);
      expect(rules).toHaveLength(1);
      expect(rules[0]!.message.ko.length).toBeGreaterThan(10);
      expect(rules[0]!.message.en.length).toBeGreaterThan(10);
    }
  });
});
