// A sudden change in an established account: a long, good history, then within a day several
// high-value items listed far below their usual price and/or requests to pay or talk off the app.
// That is what a taken-over account (or a long-prepared fraud) looks like; the good grade would
// otherwise hide it, since every other rule's weight is small against it. The facts are counted in
// Redis windows (assessment/behaviour-windows.ts) and arrive in `behaviour`.
import type { RuleFacts, Rule } from './types.ts';
import { PRICE_RATIO } from './price-too-good.ts';

/** Old enough to have a history worth protecting. */
export const ESTABLISHED_MIN_AGE_DAYS = 90;
/** A history the score calls good. */
export const ESTABLISHED_GRADES = ['SAFE', 'VERY_SAFE'] as const;
/** Items whose category usually sells for at least this much (whole won) are high-value. */
export const HIGH_VALUE_MEDIAN_WON = 300_000;
/** Both kinds of sign are counted over this window… */
export const BEHAVIOUR_WINDOW_SECONDS = 24 * 3_600;
/** …and this many together (e.g. three cheap listings, or two and one off-app request) make the rule match. */
export const BEHAVIOUR_CHANGE_MIN_SIGNS = 3;
/** chat.message_screened findings that ask to pay or talk outside the app. */
export const OFF_APP_FINDINGS: readonly string[] = ['PAYMENT_IDENTIFIER', 'OFF_APP_CONTACT', 'KNOWN_FRAUD_IDENTIFIER'];

/** A listing of a high-value kind of item, priced far below its category median (PRICE_TOO_GOOD's ratio). */
export function isCheapHighValue(price: number | null | undefined, categoryMedian: number | null | undefined): boolean {
  return price != null && price > 0 && categoryMedian != null && categoryMedian >= HIGH_VALUE_MEDIAN_WON && price < categoryMedian * PRICE_RATIO;
}

/** Old enough and graded SAFE or better (both from the monitor's copies). Unknown age or grade: not established. */
export function isEstablished(facts: Pick<RuleFacts, 'activity' | 'subjectRegisteredAt' | 'subjectGrade'>): boolean {
  const { activity, subjectRegisteredAt, subjectGrade } = facts;
  if (!subjectRegisteredAt || !subjectGrade) return false;
  const ageDays = (activity.at.getTime() - subjectRegisteredAt.getTime()) / (24 * 3_600_000);
  return ageDays >= ESTABLISHED_MIN_AGE_DAYS && (ESTABLISHED_GRADES as readonly string[]).includes(subjectGrade);
}

export const BEHAVIOUR_CHANGE: Rule = {
  code: 'BEHAVIOUR_CHANGE',
  level: 'HIGH',
  message: {
    ko: '오래 좋은 평판으로 활동하던 계정이 하루 사이에 시세보다 훨씬 싼 고가 물건을 여러 개 올리거나 앱 밖에서 돈을 보내라고 했어요. 계정을 도용당했을 수 있으니 선입금하지 말고 안전결제만 이용하세요.',
    en: 'A long-standing account with a good record suddenly listed several expensive items far below their usual price or asked for payment outside the app within a day. It may have been taken over: do not pay in advance, use safe payment only.',
  },
  productWarning: {
    ko: '이 판매자의 최근 활동이 평소와 크게 달라요. 선입금하지 말고 안전결제로만 거래하세요.',
    en: "This seller's recent activity is very unlike their usual. Do not pay in advance; use safe payment only.",
  },
  signalHours: 72,
  recipients: 'counterpart',
  matches: (facts) => {
    const { activity, behaviour } = facts;
    const relevant = activity.type === 'LISTING_CREATED' || activity.type === 'PRICE_CHANGED' || activity.type === 'CHAT_MESSAGE' || activity.type === 'PAYMENT_REQUEST';
    return (
      relevant &&
      behaviour?.thisActivityCounts === true &&
      behaviour.cheapHighValueListings + behaviour.offAppRequests >= BEHAVIOUR_CHANGE_MIN_SIGNS &&
      isEstablished(facts)
    );
  },
};
