// Every sentence this service shows a person besides the score model's own factor descriptions and
// the grade looks (score/safety-display.ts keeps each grade's label and advice beside its colour and
// icon), in Korean (default) and English: badges, listing hints, why a score moved, what others see
// in place of a private reason, and the refusals.
// The refusals every service shares (sign in first, administrators only, check your input)
// come from the platform's commonMessages.
import { commonMessages, type LocalizedText } from '@anshim/platform';
import type { BadgeCode, HintCode } from './model.ts';

export const messages = {
  ...commonMessages,
  badUserId: { ko: '사용자 ID 형식이 올바르지 않습니다.', en: 'The user id is not valid.' },
  badFirst: { ko: 'first는 0 이상의 정수여야 합니다.', en: 'first must be a whole number of 0 or more.' },
  /** History reasons that are not a factor's own description. */
  firstScore: { ko: '첫 안전 점수가 계산되었습니다.', en: 'First safety score.' },
  recalculated: { ko: '점수를 다시 계산했습니다.', en: 'The score was recalculated.' },
  /** What anyone but the member and ADMINs reads in place of a private factor or history reason. */
  underReview: { ko: '최근 활동을 검토하고 있습니다.', en: 'Recent activity is being reviewed.' },
} as const satisfies Record<string, LocalizedText>;

/** The history reason when the factor that moved most went away. */
export function noLongerCounts(description: LocalizedText): LocalizedText {
  return { ko: `더 이상 반영되지 않습니다: ${description.ko}`, en: `No longer counts: ${description.en}` };
}

export const BADGE_TEXT: Record<BadgeCode, LocalizedText> = {
  RESTRICTED: { ko: '이용 정지 중', en: 'Account restricted' },
  IDENTITY_VERIFIED: { ko: '본인인증 완료', en: 'Identity verified' },
  TRADES_10: { ko: '거래 10회+', en: '10+ trades' },
  TRADES_50: { ko: '거래 50회+', en: '50+ trades' },
  HIGHLY_RATED: { ko: '별점 4.5 이상', en: 'Rated 4.5+' },
  NO_REPORTS: { ko: '신고 이력 없음', en: 'No reports' },
  NEW_MEMBER: { ko: '신규 회원', en: 'New member' },
};

export const HINT_TEXT: Record<HintCode, LocalizedText> = {
  NEW_SELLER: {
    ko: '가입한 지 얼마 안 된 판매자입니다. 선입금 요구에는 응하지 마세요.',
    en: 'A new seller: do not agree to pay in advance.',
  },
  UNVERIFIED_SELLER: {
    ko: '판매자가 아직 본인인증을 하지 않았습니다.',
    en: 'The seller has not verified their identity yet.',
  },
  PRICE_FAR_BELOW: {
    ko: '비슷한 물건보다 가격이 크게 낮습니다. 너무 싼 물건은 사기일 수 있어요.',
    en: 'Much cheaper than similar listings. A price that is too good can be a scam.',
  },
  STEEP_PRICE_CUT: {
    ko: '최근 가격이 크게 내려갔습니다. 서두르게 만드는 거래는 조심하세요.',
    en: 'The price was cut sharply. Be careful when someone rushes you.',
  },
  // Police stations and community centres run safe-trade zones (safeTradeZones): few people know them.
  MEET_AT_SAFE_ZONE: {
    ko: '이 판매자와 거래한다면 경찰서 등 안전거래존에서 만나고, 물건을 확인하기 전에는 돈을 보내지 마세요.',
    en: 'If you trade with this seller, meet at a safe-trade zone such as a police station, and do not pay before you have checked the item.',
  },
  SELLER_UNKNOWN: {
    ko: '판매자의 안전 정보를 아직 확인하지 못했습니다. 직접 만나서 물건을 확인한 뒤 결제하세요.',
    en: 'The seller\'s safety information is not available yet. Meet in person and check the item before you pay.',
  },
};
