// Every sentence this service shows a person, Korean (default) and English, in one place: say
// what happened and what to do next, in words a first-time user understands.
// The refusals every service shares (sign in first, administrators only, check your input)
// come from the platform's commonMessages.
import { commonMessages, type LocalizedText } from '@anshim/platform';
import type { PartyRole, SafetyGrade, TradeStatus } from './model.ts';

const STATUS_NAMES: Record<TradeStatus, LocalizedText> = {
  REQUESTED: { ko: '거래 요청', en: 'requested' },
  ACCEPTED: { ko: '거래 수락(예약)', en: 'accepted' },
  COMPLETED: { ko: '거래 완료', en: 'completed' },
  CANCELLED: { ko: '거래 취소', en: 'cancelled' },
  DISPUTED: { ko: '분쟁 신청', en: 'disputed' },
};

const GRADE_NAMES: Record<SafetyGrade, LocalizedText> = {
  VERY_SAFE: { ko: '매우 안전', en: 'very safe' },
  SAFE: { ko: '안전', en: 'safe' },
  NORMAL: { ko: '보통', en: 'normal' },
  CAUTION: { ko: '주의', en: 'caution' },
  DANGER: { ko: '위험', en: 'danger' },
};

const list = (statuses: TradeStatus[], lang: 'ko' | 'en') => statuses.map((s) => STATUS_NAMES[s][lang]).join(lang === 'ko' ? ', ' : ', ');

export const messages = {
  ...commonMessages,
  titleLength: { ko: '제목은 2자 이상 80자 이하로 입력해 주세요.', en: 'The title must be 2 to 80 characters long.' },
  descriptionTooLong: { ko: '설명은 5,000자 이하로 입력해 주세요.', en: 'The description must be at most 5,000 characters long.' },
  priceRange: { ko: '가격은 0원 이상 1억 원 이하의 정수로 입력해 주세요.', en: 'The price must be a whole number of won from 0 to 100,000,000.' },
  categoryUnknown: { ko: '알 수 없는 카테고리입니다. 목록에 있는 카테고리를 골라 주세요.', en: 'Unknown category. Please pick one from the list.' },
  regionTooLong: { ko: '지역은 50자 이하로 입력해 주세요.', en: 'The region must be at most 50 characters long.' },
  tooManyImages: { ko: '사진은 최대 10장까지 올릴 수 있습니다.', en: 'You can add at most 10 pictures.' },
  duplicateImages: { ko: '같은 사진을 두 번 넣었습니다.', en: 'The same picture was added twice.' },
  imageKeyUnknown: {
    ko: '올리지 않았거나 내 것이 아닌 사진입니다. 사진을 다시 올려 주세요.',
    en: 'This picture was not uploaded by you (or not at all). Please upload it again.',
  },
  imageKeyExpired: {
    ko: '사진을 올린 지 너무 오래되어 만료되었습니다. 사진을 다시 올려 주세요.',
    en: 'This picture was uploaded too long ago and has expired. Please upload it again.',
  },
  imageKeyUsed: { ko: '이미 다른 상품에 쓴 사진입니다. 사진을 다시 올려 주세요.', en: 'This picture is already used by another product. Please upload it again.' },
  firstRange: { ko: '한 번에 1개에서 100개까지 볼 수 있습니다.', en: 'first must be between 1 and 100.' },
  popularFirstRange: { ko: '한 번에 1개에서 50개까지 볼 수 있습니다.', en: 'first must be between 1 and 50.' },
  listFirstRange: { ko: '한 번에 1개에서 100개까지 볼 수 있습니다.', en: 'first must be between 1 and 100.' },
  cursorMalformed: { ko: '페이지 위치(after)가 올바르지 않습니다. 처음부터 다시 불러와 주세요.', en: 'The cursor (after) is not valid. Please load the list again from the start.' },
  cursorOtherSort: { ko: '다른 정렬의 페이지 위치입니다. 처음부터 다시 불러와 주세요.', en: 'The cursor belongs to another sort order. Please load the list again from the start.' },
  searchTooLong: { ko: '검색어는 100자 이하로 입력해 주세요.', en: 'The search text must be at most 100 characters long.' },
  priceFilterOrder: { ko: '최소 가격이 최대 가격보다 클 수 없습니다.', en: 'The minimum price cannot be above the maximum price.' },
  idInvalid: { ko: '올바르지 않은 ID입니다.', en: 'That id is not valid.' },
  commentTooLong: { ko: '후기는 500자 이하로 입력해 주세요.', en: 'The comment must be at most 500 characters long.' },
  starsRange: { ko: '별점은 1점에서 5점 사이로 골라 주세요.', en: 'Please give 1 to 5 stars.' },

  zoneName: { ko: '장소 이름은 1자 이상 80자 이하로 입력해 주세요.', en: 'The place name must be 1 to 80 characters long.' },
  zoneAddress: { ko: '주소는 1자 이상 200자 이하로 입력해 주세요.', en: 'The address must be 1 to 200 characters long.' },
  zoneRegion: { ko: '지역은 1자 이상 50자 이하로 입력해 주세요.', en: 'The region must be 1 to 50 characters long.' },
  zoneLatitude: { ko: '위도는 -90에서 90 사이여야 합니다.', en: 'The latitude must be between -90 and 90.' },
  zoneLongitude: { ko: '경도는 -180에서 180 사이여야 합니다.', en: 'The longitude must be between -180 and 180.' },
  zoneOpenHours: { ko: '운영 시간은 100자 이하로 입력해 주세요.', en: 'The opening hours must be at most 100 characters long.' },
  zoneNotFound: { ko: '안전거래 장소를 찾을 수 없습니다.', en: 'Safe-trade place not found.' },
  meetingSpotClosed: { ko: '끝난 거래에는 만날 장소를 정할 수 없습니다.', en: 'A meeting place can only be proposed for a trade that is still open.' },

  productNotFound: { ko: '상품을 찾을 수 없습니다.', en: 'Product not found.' },
  transactionNotFound: { ko: '거래를 찾을 수 없습니다.', en: 'Trade not found.' },
  sellerOnly: { ko: '판매자만 할 수 있는 작업입니다.', en: 'Only the seller can do this.' },
  partiesOnly: { ko: '이 거래의 구매자와 판매자만 볼 수 있습니다.', en: 'Only the buyer and the seller of this trade can see it.' },
  partiesOnlyChange: { ko: '이 거래의 구매자나 판매자만 상태를 바꿀 수 있습니다.', en: 'Only the buyer or the seller of this trade can change it.' },
  ownProduct: { ko: '내 상품은 구매할 수 없습니다.', en: 'You cannot buy your own product.' },
  soldOut: { ko: '이미 판매가 끝난 상품입니다.', en: 'This product has already been sold.' },
  reserved: { ko: '다른 구매자와 거래 중인 상품입니다. 예약이 풀리면 다시 시도해 주세요.', en: 'This product is reserved for another buyer. Try again if it becomes available.' },
  notHideable: { ko: '판매 중인 상품만 숨길 수 있습니다.', en: 'Only products that are on sale can be hidden.' },
  notHidden: { ko: '숨긴 상품이 아닙니다.', en: 'This product is not hidden.' },
  priceOfSold: { ko: '판매가 끝난 상품의 가격은 바꿀 수 없습니다.', en: 'The price of a sold product cannot be changed.' },
  alreadyRequested: { ko: '이미 이 상품에 거래를 요청했습니다.', en: 'You have already asked to buy this product.' },
  raceLost: {
    ko: '방금 다른 요청이 먼저 처리되었습니다. 거래 상태를 새로 확인해 주세요.',
    en: 'Another request was handled first just now. Please check the trade again.',
  },
  productTaken: {
    ko: '방금 다른 구매자와의 거래가 먼저 수락되었습니다. 이 요청은 수락할 수 없습니다.',
    en: 'A trade with another buyer was accepted just now, so this request cannot be accepted.',
  },
  illegalTransition: (from: TradeStatus, to: TradeStatus, allowed: TradeStatus[]): LocalizedText => ({
    ko: allowed.length
      ? `'${STATUS_NAMES[from].ko}' 상태에서는 '${STATUS_NAMES[to].ko}'(으)로 바꿀 수 없습니다. 가능한 다음 상태: ${list(allowed, 'ko')}.`
      : `'${STATUS_NAMES[from].ko}' 상태의 거래는 더 이상 바꿀 수 없습니다.`,
    en: allowed.length
      ? `A ${STATUS_NAMES[from].en} trade cannot become ${STATUS_NAMES[to].en}. It can become: ${list(allowed, 'en')}.`
      : `A ${STATUS_NAMES[from].en} trade cannot be changed any more.`,
  }),
  wrongParty: (to: TradeStatus, allowedBy: readonly PartyRole[]): LocalizedText => {
    const who = allowedBy.includes('SELLER') ? { ko: '판매자', en: 'the seller' } : { ko: '구매자', en: 'the buyer' };
    return { ko: `'${STATUS_NAMES[to].ko}'은(는) ${who.ko}만 할 수 있습니다.`, en: `Only ${who.en} can mark the trade ${STATUS_NAMES[to].en}.` };
  },
  disputeWindowClosed: { ko: '거래 완료 후 7일이 지나 분쟁을 신청할 수 없습니다. 고객센터에 문의해 주세요.', en: 'Disputes can be opened within 7 days of completion; that time has passed. Please contact support.' },
  protectedMode: (sellerGrade: SafetyGrade, minimum: SafetyGrade): LocalizedText => ({
    ko: `보호 모드가 켜져 있어 거래할 수 없습니다. 판매자의 안전 등급(${GRADE_NAMES[sellerGrade].ko})이 설정한 최소 등급(${GRADE_NAMES[minimum].ko})보다 낮습니다. 더 안전한 판매자의 상품을 찾아보거나, 보호 설정을 확인해 주세요.`,
    en: `Protected mode is on, so this trade is refused: the seller's safety grade (${GRADE_NAMES[sellerGrade].en}) is below the minimum you chose (${GRADE_NAMES[minimum].en}). Look for a safer seller, or review your protection settings.`,
  }),
  /** To the buyer: the seller's own minimum is private (only that the seller uses protection is public). */
  protectedSeller: (buyerGrade: SafetyGrade): LocalizedText => ({
    ko: `이 판매자는 보호 모드를 사용 중이어서, 일정 안전 등급 이상인 회원과만 거래합니다. 회원님의 현재 안전 등급(${GRADE_NAMES[buyerGrade].ko})으로는 이 판매자와 거래를 시작할 수 없습니다. 본인 인증을 마치고 거래 이력을 쌓으면 등급이 올라갑니다.`,
    en: `This seller uses protected mode and only trades with members above a certain safety grade. With your current safety grade (${GRADE_NAMES[buyerGrade].en}) you cannot start a trade with them. Completing verification and building a trade history raises your grade.`,
  }),
  protectionUnavailable: {
    ko: '지금은 보호 설정을 확인할 수 없어 거래를 시작하지 않았습니다. 잠시 후 다시 시도해 주세요.',
    en: 'Protection settings cannot be checked right now, so the trade was not started. Please try again shortly.',
  },
  holdSelf: {
    ko: '안전 점검 때문에 지금은 거래를 시작하거나 진행할 수 없습니다. 고객센터에 문의해 주세요.',
    en: 'Trading is paused on your account for a safety check. Please contact support.',
  },
  holdCounterpart: {
    ko: '상대방 계정이 안전 점검 중이라 지금은 거래할 수 없습니다. 돈을 먼저 보내지 마세요.',
    en: 'The other person’s account is paused for a safety check, so this trade cannot go ahead now. Do not send any money.',
  },
  listingRestricted: {
    ko: '이상 거래가 감지되어 관리자 확인이 끝날 때까지 물건을 올리거나 가격을 바꿀 수 없습니다. 고객센터에 문의해 주세요.',
    en: 'Unusual activity was detected, so you cannot list items or change prices until an administrator has checked it. Please contact support.',
  },
  accountRestricted: {
    ko: '이용이 제한된 계정과는 거래할 수 없습니다.',
    en: 'Trades with a restricted account are not possible.',
  },
  // REQUIRE_VERIFICATION: the member themself reads it and must know exactly what to do next.
  verificationRequired: (missing: readonly ('SMS' | 'ID_CARD')[]): LocalizedText => {
    const sms = missing.length === 0 || missing.includes('SMS');
    const idCard = missing.length === 0 || missing.includes('ID_CARD');
    const todo = sms && idCard
      ? { ko: '휴대폰 인증과 신분증 인증을', en: 'phone (SMS) verification and ID card verification' }
      : sms ? { ko: '휴대폰 인증을', en: 'phone (SMS) verification' } : { ko: '신분증 인증을', en: 'ID card verification' };
    return {
      ko: `안전을 위해 본인 확인이 필요합니다. ${todo.ko} 마치면 다시 물건을 올리고 거래를 시작할 수 있습니다. 인증은 내 정보의 '본인 인증'에서 할 수 있습니다.`,
      en: `For everyone's safety we need to confirm who you are. Complete ${todo.en}, then you can list items and start trades again. You can do this under 'Verification' in your profile.`,
    };
  },
  // WARN_COUNTERPARTS, shown to the other party of an open trade: what to do, not the monitor's reasons.
  counterpartWarned: {
    ko: '이 거래 상대에게서 이상 거래 신호가 감지되었습니다. 돈을 먼저 보내지 말고, 안전결제나 직접 만나서 물건을 확인한 뒤 거래하세요. 앱 밖(카톡, 문자)으로 연락하자는 요청에는 응하지 마세요.',
    en: 'Warning signs were detected for the other person in this trade. Do not send money first: use safe payment, or meet and check the item before paying. Do not move the conversation off the app (KakaoTalk, text messages).',
  },
  // Meeting in person: check-in and check-out at the meeting spot.
  partiesOnlyCheckIn: { ko: '이 거래의 구매자나 판매자만 만남 장소에 체크인할 수 있습니다.', en: 'Only the buyer or the seller of this trade can check in at the meeting place.' },
  checkInNotAccepted: {
    ko: '판매자가 수락한 거래에서만 만남 장소에 체크인할 수 있습니다. 거래가 아직 수락되지 않았거나 이미 끝났습니다.',
    en: 'You can check in at the meeting place only for a trade the seller has accepted. This trade is not accepted yet, or it has already ended.',
  },
  notCheckedIn: { ko: '이 거래의 만남 장소에 체크인하지 않았습니다. 체크아웃할 것이 없습니다.', en: 'You have not checked in at the meeting place of this trade, so there is nothing to check out of.' },
  notCompleted: { ko: '완료된 거래만 평가할 수 있습니다.', en: 'Only completed trades can be rated.' },
  alreadyRated: { ko: '이미 이 거래를 평가했습니다. 평가는 한 번만 할 수 있습니다.', en: 'You have already rated this trade. Each party rates once.' },
} as const;
