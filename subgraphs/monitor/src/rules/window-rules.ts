// Rules over Redis sliding windows (the counts arrive in the facts; see assessment/sliding-windows.ts).
import { REPORT_WEIGHTING } from '@anshim/contracts';
import type { Rule } from './types.ts';

export const LISTING_BURST_LIMIT = 5;
export const LISTING_BURST_WINDOW_SECONDS = 3_600;
export const SHARED_DEVICE_LIMIT = 3;
export const SHARED_DEVICE_WINDOW_SECONDS = 24 * 3_600;
/**
 * Reports weigh by who filed them (packages/contracts/src/reporter-trust.ts, the one table): the
 * burst needs three credible reporters' worth (e.g. three people who traded with the user), and
 * throwaway accounts with no dealings never add up to it, however many there are.
 */
export const REPORT_BURST_MIN_WEIGHT = REPORT_WEIGHTING.burstFrom;
export const REPORT_BURST_WINDOW_SECONDS = 24 * 3_600;

export const LISTING_BURST: Rule = {
  code: 'LISTING_BURST',
  level: 'MEDIUM',
  message: {
    ko: '한 시간 안에 물건을 5개 이상 올렸어요. 가짜 판매글을 한꺼번에 올리는 수법과 비슷해요.',
    en: 'Five or more items were listed within an hour, like a batch of fake listings.',
  },
  productWarning: {
    ko: '이 판매자는 짧은 시간에 많은 물건을 올렸어요. 물건을 직접 확인하고 거래하세요.',
    en: 'This seller listed many items in a short time. Check the item in person before paying.',
  },
  signalHours: 24,
  recipients: 'none',
  matches: ({ activity, listingsInWindow }) => activity.type === 'LISTING_CREATED' && (listingsInWindow ?? 0) >= LISTING_BURST_LIMIT,
};

export const SHARED_DEVICE: Rule = {
  code: 'SHARED_DEVICE',
  level: 'HIGH',
  message: {
    ko: '하루 안에 한 기기에서 계정 3개 이상이 쓰였어요. 여러 계정을 돌려 쓰는 사기 수법일 수 있어요.',
    en: 'One device was used by three or more accounts within a day, which fraudsters do to switch accounts.',
  },
  signalHours: 72,
  recipients: 'none',
  matches: ({ activity, accountsOnDevice }) => Boolean(activity.deviceId) && (accountsOnDevice ?? 0) >= SHARED_DEVICE_LIMIT,
};

export const REPORT_BURST: Rule = {
  code: 'REPORT_BURST',
  level: 'HIGH',
  message: {
    ko: '하루 안에 이 사용자와 거래했거나 본인인증을 마친 여러 사람이 이 사용자를 신고했어요.',
    en: 'Within a day, several people who traded with this user or verified their identity reported them.',
  },
  signalHours: 72,
  recipients: 'none',
  matches: ({ activity, reportWeightInWindow }) => activity.type === 'REPORT_FILED' && (reportWeightInWindow ?? 0) >= REPORT_BURST_MIN_WEIGHT,
};
