import type { Rule } from './types.ts';

export const NEW_ACCOUNT_MAX_AGE_MS = 7 * 24 * 3_600_000;
export const HIGH_VALUE_WON = 1_000_000;

/** A brand-new account listing something expensive: a classic pattern of fake listings. */
export const NEW_ACCOUNT_HIGH_VALUE: Rule = {
  code: 'NEW_ACCOUNT_HIGH_VALUE',
  level: 'MEDIUM',
  message: {
    ko: '가입한 지 7일이 안 된 계정이 100만 원 이상의 물건을 올렸어요.',
    en: 'An account less than 7 days old listed an item worth 1,000,000 won or more.',
  },
  productWarning: {
    ko: '판매자가 가입한 지 일주일이 안 됐어요. 직접 만나 물건을 확인한 뒤 안전결제로 거래하세요.',
    en: 'The seller joined less than a week ago. Check the item in person and pay only through safe payment.',
  },
  signalHours: 168,
  recipients: 'none',
  matches: ({ activity, subjectRegisteredAt }) =>
    (activity.type === 'LISTING_CREATED' || activity.type === 'PRICE_CHANGED') &&
    (activity.amount ?? 0) >= HIGH_VALUE_WON &&
    subjectRegisteredAt != null &&
    activity.at.getTime() - subjectRegisteredAt.getTime() < NEW_ACCOUNT_MAX_AGE_MS,
};
