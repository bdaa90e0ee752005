// The rule engine as pure logic: Korean and English chat samples, honest messages that must not
// match, and the level arithmetic.
import { describe, expect, it } from 'vitest';
import { combinedReportWeight, reporterWeight, type ReporterTrust } from '@anshim/contracts';
import { asksForOffPlatformPayment } from '../src/rules/off-platform-payment-request.ts';
import { suspiciousHosts } from '../src/rules/phishing-link.ts';
import { automaticActions, combineLevels, evaluateRules, RULES, type ActivityFacts, type RuleFacts } from '../src/rules/index.ts';

const ALLOWED = ['anshim.kr', 'anshim.co.kr'];
const now = new Date('2026-11-24T00:00:00Z');
const DAY = 24 * 3_600_000;

function facts(activity: Partial<ActivityFacts>, more: Partial<RuleFacts> = {}): RuleFacts {
  return { activity: { type: 'CHAT_MESSAGE', userId: 'u1', counterpartId: 'u2', at: now, ...activity }, allowedDomains: ALLOWED, ...more };
}
const codes = (f: RuleFacts) => evaluateRules(f).map((rule) => rule.code);

describe('OFF_PLATFORM_PAYMENT_REQUEST', () => {
  it.each([
    '선입금 부탁드려요 국민은행 123456-78-901234',
    '선 입 금 해주시면 바로 보내드릴게요',
    '계좌로 먼저 보내주세요',
    '신한 110-123-456789 로 입금해주세요',
    '카톡 아이디 알려드릴게요 거기서 얘기해요',
    '오픈채팅으로 오세요',
    '텔레그램으로 연락주세요',
    'Please pay upfront and I will ship today',
    'Send the money first to my bank account number 3333-01-2345678',
    'Can you do a bank transfer instead?',
    'add me on kakao, easier to talk there',
    '농협 3021234567890 입금 부탁해요',
  ])('matches %s', (text) => {
    expect(asksForOffPlatformPayment(text)).toBe(true);
    expect(codes(facts({ text }))).toContain('OFF_PLATFORM_PAYMENT_REQUEST');
  });

  it.each([
    '안녕하세요, 아직 판매 중인가요?',
    '안전결제로 진행할게요',
    '입금 확인했습니다. 감사합니다!',
    '토요일 오후 3시에 강남역 2번 출구에서 만나요',
    '제 번호는 010-1234-5678 이에요',
    '2026-11-24 에 택배로 보냈어요',
    'Is this still available? Can we meet at the station?',
    'I paid through the app, thanks',
    'The account on the app shows the trade as completed',
  ])('does not match the honest message %s', (text) => {
    expect(asksForOffPlatformPayment(text)).toBe(false);
    expect(codes(facts({ text }))).not.toContain('OFF_PLATFORM_PAYMENT_REQUEST');
  });
});

describe('PHISHING_LINK', () => {
  it.each(['안전결제 링크예요 http://anshim-safepay.xyz/pay', 'pay here: www.anshlm.kr.pay-secure.top', '결제는 safe-trade.link 에서 해주세요', 'https://bit.ly/3abcde'])('matches %s', (text) => {
    expect(codes(facts({ text }))).toContain('PHISHING_LINK');
  });
  it.each(['https://anshim.kr/products/123 보세요', '결제는 pay.anshim.kr 에서 하시면 돼요', '메일은 kim@naver.com 입니다', '3.5kg 이에요', 'version 2.0 of the manual'])(
    'does not match %s',
    (text) => expect(codes(facts({ text }))).not.toContain('PHISHING_LINK'),
  );
  it('puts lookalikes of safe payment first', () => {
    expect(suspiciousHosts('see example.com or anshim-pay.top', ALLOWED)[0]).toBe('anshim-pay.top');
  });
});

describe('listing rules', () => {
  it('NEW_ACCOUNT_HIGH_VALUE: a 2-day-old account listing 1,200,000 won', () => {
    expect(codes(facts({ type: 'LISTING_CREATED', amount: 1_200_000 }, { subjectRegisteredAt: new Date(now.getTime() - 2 * DAY) }))).toContain('NEW_ACCOUNT_HIGH_VALUE');
  });
  it('NEW_ACCOUNT_HIGH_VALUE: not for an old account, a cheap item, or an unknown age', () => {
    expect(codes(facts({ type: 'LISTING_CREATED', amount: 1_200_000 }, { subjectRegisteredAt: new Date(now.getTime() - 30 * DAY) }))).toEqual([]);
    expect(codes(facts({ type: 'LISTING_CREATED', amount: 999_999 }, { subjectRegisteredAt: new Date(now.getTime() - DAY) }))).toEqual([]);
    expect(codes(facts({ type: 'LISTING_CREATED', amount: 1_200_000 }))).toEqual([]);
  });
  it('PRICE_TOO_GOOD: under 40% of the category median only', () => {
    expect(codes(facts({ type: 'LISTING_CREATED', amount: 390_000 }, { categoryMedianPrice: 1_000_000 }))).toContain('PRICE_TOO_GOOD');
    expect(codes(facts({ type: 'PRICE_CHANGED', amount: 400_000 }, { categoryMedianPrice: 1_000_000 }))).not.toContain('PRICE_TOO_GOOD');
    expect(codes(facts({ type: 'LISTING_CREATED', amount: 10 }, { categoryMedianPrice: null }))).not.toContain('PRICE_TOO_GOOD');
  });
  it('LISTING_BURST from the fifth listing in the window', () => {
    expect(codes(facts({ type: 'LISTING_CREATED' }, { listingsInWindow: 4 }))).not.toContain('LISTING_BURST');
    expect(codes(facts({ type: 'LISTING_CREATED' }, { listingsInWindow: 5 }))).toContain('LISTING_BURST');
  });
});

describe('window and copy rules', () => {
  it('SHARED_DEVICE from the third account on one device', () => {
    expect(codes(facts({ type: 'LOGIN', deviceId: 'd1' }, { accountsOnDevice: 2 }))).toEqual([]);
    expect(codes(facts({ type: 'LOGIN', deviceId: 'd1' }, { accountsOnDevice: 3 }))).toEqual(['SHARED_DEVICE']);
  });
  it('REPORT_BURST from three credible reporters\' worth in a day, never from throwaway accounts', () => {
    const weigh = (trusts: ReporterTrust[]) => combinedReportWeight(trusts.map((trust, i) => ({ reporterId: `r${i}`, weight: reporterWeight(trust) })));
    const fresh: ReporterTrust = { verifiedMethods: [], accountAgeDays: 0, tradedWithTarget: false };
    const traded: ReporterTrust = { ...fresh, tradedWithTarget: true };
    expect(codes(facts({ type: 'REPORT_FILED' }, { reportWeightInWindow: weigh([fresh, fresh, fresh]) }))).toEqual([]);
    expect(codes(facts({ type: 'REPORT_FILED' }, { reportWeightInWindow: weigh(Array.from({ length: 50 }, () => fresh)) }))).toEqual([]);
    expect(codes(facts({ type: 'REPORT_FILED' }, { reportWeightInWindow: weigh([traded, traded]) }))).toEqual([]);
    expect(codes(facts({ type: 'REPORT_FILED' }, { reportWeightInWindow: weigh([traded, traded, traded]) }))).toEqual(['REPORT_BURST']);
  });
  it('PROTECTED_USER_EXPOSED when the subject is below the protected counterpart minimum', () => {
    const protectedBuyer = { protectedMode: true, minCounterpartGrade: 'SAFE' as const };
    expect(codes(facts({ text: '안녕하세요' }, { counterpart: protectedBuyer, subjectGrade: 'NORMAL' }))).toEqual(['PROTECTED_USER_EXPOSED']);
    expect(codes(facts({ text: '안녕하세요' }, { counterpart: protectedBuyer, subjectGrade: 'VERY_SAFE' }))).toEqual([]);
    expect(codes(facts({ text: '안녕하세요' }, { counterpart: { protectedMode: false, minCounterpartGrade: 'SAFE' }, subjectGrade: 'DANGER' }))).toEqual([]);
    expect(codes(facts({ text: '안녕하세요' }, { counterpart: { protectedMode: true, minCounterpartGrade: null }, subjectGrade: 'CAUTION' }))).toEqual(['PROTECTED_USER_EXPOSED']);
    expect(codes(facts({ text: '안녕하세요' }, { counterpart: protectedBuyer, subjectGrade: null }))).toEqual([]);
  });
});

describe('levels', () => {
  it('takes the highest signal, and two different HIGH rules make CRITICAL', () => {
    expect(combineLevels([])).toBe('NONE');
    expect(combineLevels([{ rule: 'PRICE_TOO_GOOD', level: 'MEDIUM' }])).toBe('MEDIUM');
    expect(combineLevels([{ rule: 'OFF_PLATFORM_PAYMENT_REQUEST', level: 'HIGH' }, { rule: 'OFF_PLATFORM_PAYMENT_REQUEST', level: 'HIGH' }])).toBe('HIGH');
    expect(combineLevels([{ rule: 'OFF_PLATFORM_PAYMENT_REQUEST', level: 'HIGH' }, { rule: 'PHISHING_LINK', level: 'HIGH' }])).toBe('CRITICAL');
  });
  it('acts automatically from HIGH', () => {
    expect(automaticActions('MEDIUM')).toEqual([]);
    expect(automaticActions('HIGH')).toEqual(['WARN_COUNTERPARTS', 'REQUIRE_VERIFICATION']);
    expect(automaticActions('CRITICAL')).toContain('HOLD_TRANSACTIONS');
  });
  it('every rule speaks Korean and English', () => {
    for (const rule of RULES) {
      expect(rule.message.ko).toMatch(/[가-힣]/);
      expect(rule.message.en).toMatch(/^[\x20-\x7e]+$/);
    }
  });
});

describe('screening findings (chat.message_screened, no text)', () => {
  it.each([
    [['PAYMENT_IDENTIFIER'], ['OFF_PLATFORM_PAYMENT_REQUEST']],
    [['LOOKALIKE_LINK'], ['PHISHING_LINK']],
    [['OFF_APP_CONTACT'], ['OFF_APP_CONTACT']],
    [['PAYMENT_IDENTIFIER', 'OFF_APP_CONTACT'], ['OFF_PLATFORM_PAYMENT_REQUEST', 'OFF_APP_CONTACT']],
  ])('%j → %j, each warning the counterpart', (findings, expected) => {
    const matched = evaluateRules(facts({ text: null }, { screeningFindings: findings }));
    expect(matched.map((rule) => rule.code)).toEqual(expected);
    expect(matched.every((rule) => rule.recipients === 'counterpart')).toBe(true);
  });

  it('KNOWN_FRAUD_IDENTIFIER arrives as a known fraud count: CRITICAL; OFF_APP_CONTACT is MEDIUM', () => {
    const matched = evaluateRules(facts({ text: null }, { screeningFindings: ['KNOWN_FRAUD_IDENTIFIER'], knownFraudIdentifiers: 1 }));
    expect(matched.map((rule) => [rule.code, rule.level])).toEqual([['KNOWN_FRAUD_ACCOUNT', 'CRITICAL']]);
    expect(RULES.find((rule) => rule.code === 'OFF_APP_CONTACT')?.level).toBe('MEDIUM');
  });

  it('an empty screening and a LOGIN match nothing', () => {
    expect(codes(facts({ text: null }, { screeningFindings: [] }))).toEqual([]);
    expect(codes(facts({ type: 'LOGIN', counterpartId: null, text: null }, { screeningFindings: ['OFF_APP_CONTACT'] }))).toEqual([]);
  });
});
