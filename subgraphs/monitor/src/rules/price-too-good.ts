import type { Rule } from './types.ts';

export const PRICE_RATIO = 0.4;

/** Far below what the category usually sells for: bait for advance payments. */
export const PRICE_TOO_GOOD: Rule = {
  code: 'PRICE_TOO_GOOD',
  level: 'MEDIUM',
  message: {
    ko: '같은 종류 물건 시세의 40%도 안 되는 가격이에요.',
    en: 'The price is under 40% of what this kind of item usually sells for.',
  },
  productWarning: {
    ko: '시세보다 너무 싼 가격이에요. 선입금을 요구하면 거래하지 마세요.',
    en: 'This price is far below the usual price. If the seller asks for payment in advance, do not trade.',
  },
  signalHours: 72,
  recipients: 'none',
  matches: ({ activity, categoryMedianPrice }) =>
    (activity.type === 'LISTING_CREATED' || activity.type === 'PRICE_CHANGED') &&
    activity.amount != null &&
    activity.amount > 0 &&
    categoryMedianPrice != null &&
    categoryMedianPrice > 0 &&
    activity.amount < categoryMedianPrice * PRICE_RATIO,
};
