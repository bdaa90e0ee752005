// Rules over the payment subgraph's events (payment.*): what the platform saw happen to money in
// escrow. The facts arrive from copies and windows (assessment/payment-signals.ts); rules stay pure.
import type { Rule } from './types.ts';
import { OFF_APP_FINDINGS } from './behaviour-change.ts';

/** REPEATED_DISPUTES: this many different buyers… */
export const DISPUTES_MIN_BUYERS = 3;
/** …disputing a seller's safe payments within this window. */
export const DISPUTES_WINDOW_SECONDS = 30 * 24 * 3_600;
/** PAYMENT_FAILURE_BURST: this many failed payments of one buyer… */
export const PAYMENT_FAILURES_MIN = 5;
/** …within this window. */
export const PAYMENT_FAILURES_WINDOW_SECONDS = 3_600;
/** Failures that are the provider's or the platform's fault, not the payer's: they never count. */
export const NOT_THE_PAYERS_FAILURE: readonly string[] = ['PROVIDER_UNAVAILABLE'];

/**
 * The buyer has already started a safe payment for a trade with this seller (payment.started),
 * and the seller then writes a bank account, a payment identifier or an invitation to a messenger
 * (chat.message_screened). An honest seller has no reason to move a buyer who is already paying
 * through escrow off it; "safe payment is broken, just transfer it to my account" is how a buyer
 * is talked out of the one protection they chose, so this is HIGH on its own. It supersedes the
 * generic off-app rules for the same message: one alert that says why, and the same evidence is
 * never counted twice towards CRITICAL.
 */
export const OFF_APP_AFTER_SAFE_PAYMENT: Rule = {
  code: 'OFF_APP_AFTER_SAFE_PAYMENT',
  level: 'HIGH',
  message: {
    ko: '안전결제를 시작한 거래인데 판매자가 계좌이체나 메신저로 옮기자고 했어요. 정상적인 판매자는 안전결제를 피할 이유가 없어요. 앱 밖으로 돈을 보내지 말고, 결제는 안심 안전결제로만 하세요.',
    en: 'You already started a safe payment for this trade, and the seller asked you to pay by bank transfer or on a messenger instead. An honest seller has no reason to avoid safe payment: do not send money outside the app; pay only through Anshim safe payment.',
  },
  signalHours: 72,
  recipients: 'counterpart',
  supersedes: ['OFF_PLATFORM_PAYMENT_REQUEST', 'OFF_APP_CONTACT'],
  matches: ({ activity, screeningFindings, safePayment }) =>
    activity.type === 'CHAT_MESSAGE' && Boolean(safePayment) && (screeningFindings ?? []).some((code) => OFF_APP_FINDINGS.includes(code)),
};

/**
 * Several different buyers disputed their safe payment with the same seller within 30 days
 * (payment.disputed: the money stays held for a moderator). A dispute is a buyer's claim, not a
 * finding, so MEDIUM: it puts the seller in front of the admins; a dispute a moderator accepts
 * becomes a FRAUD report, which the safety score counts in full. Nobody else is warned.
 */
export const REPEATED_DISPUTES: Rule = {
  code: 'REPEATED_DISPUTES',
  level: 'MEDIUM',
  message: {
    ko: '30일 안에 서로 다른 구매자 3명 이상이 이 판매자와의 안전결제에 분쟁을 제기했어요. 물건을 보내지 않거나 설명과 다른 물건을 보내는 판매자에게서 자주 보이는 모습이에요.',
    en: 'Within 30 days, three or more different buyers disputed their safe payment with this seller, which is common for sellers who do not send the item or send something other than described.',
  },
  signalHours: 7 * 24,
  recipients: 'none',
  matches: ({ activity, disputingBuyersInWindow }) => activity.type === 'PAYMENT_DISPUTED' && (disputingBuyersInWindow ?? 0) >= DISPUTES_MIN_BUYERS,
};

/**
 * One buyer's payments failed again and again within an hour (payment.failed, not counting the
 * provider being unavailable). Trying stolen cards one after another ("card testing") looks like
 * this. MEDIUM and for the admins only: a member with a badly typed card number fails a few times
 * too, and nobody is in danger from the attempts themselves.
 */
export const PAYMENT_FAILURE_BURST: Rule = {
  code: 'PAYMENT_FAILURE_BURST',
  level: 'MEDIUM',
  message: {
    ko: '한 시간 안에 이 구매자의 결제가 5번 이상 실패했어요. 훔친 카드를 차례로 시험해 보는 수법과 비슷해요.',
    en: 'Five or more payments of this buyer failed within an hour, like someone trying stolen cards one after another.',
  },
  signalHours: 24,
  recipients: 'none',
  matches: ({ activity, failedPaymentsInWindow }) => activity.type === 'PAYMENT_FAILED' && (failedPaymentsInWindow ?? 0) >= PAYMENT_FAILURES_MIN,
};
