// Every sentence this service shows a person, Korean (default) and English, in one place: say
// what happened and what to do next, in words a first-time user understands.
// The refusals every service shares (sign in first, administrators only, check your input)
// come from the platform's commonMessages.
import { catalogue, commonMessages, type LocalizedText } from '@anshim/platform';
import data from './messages.json' with { type: 'json' };
import type { PartyRole, SafetyGrade, TradeStatus } from './model.ts';

/** The fixed sentences, as data (messages.json: translators edit it, not code); checked when the service loads. */
const texts = catalogue(data, 'subgraphs/transaction/src/messages.json');

// In messages.json: counterpartWarned (WARN_COUNTERPARTS) is shown to the other party of an open
// trade and says what to do, not the monitor's reasons; partiesOnlyCheckIn to notCheckedIn are the
// check-in and check-out at the meeting spot.

const STATUS_NAMES: Record<TradeStatus, LocalizedText> = texts.STATUS_NAMES;

const GRADE_NAMES: Record<SafetyGrade, LocalizedText> = texts.GRADE_NAMES;

const list = (statuses: TradeStatus[], lang: 'ko' | 'en') => statuses.map((s) => STATUS_NAMES[s][lang]).join(lang === 'ko' ? ', ' : ', ');

export const messages = {
  ...commonMessages,
  ...texts.messages,
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
  protectedMode: (sellerGrade: SafetyGrade, minimum: SafetyGrade): LocalizedText => ({
    ko: `보호 모드가 켜져 있어 거래할 수 없습니다. 판매자의 안전 등급(${GRADE_NAMES[sellerGrade].ko})이 설정한 최소 등급(${GRADE_NAMES[minimum].ko})보다 낮습니다. 더 안전한 판매자의 상품을 찾아보거나, 보호 설정을 확인해 주세요.`,
    en: `Protected mode is on, so this trade is refused: the seller's safety grade (${GRADE_NAMES[sellerGrade].en}) is below the minimum you chose (${GRADE_NAMES[minimum].en}). Look for a safer seller, or review your protection settings.`,
  }),
  /** To the buyer: the seller's own minimum is private (only that the seller uses protection is public). */
  protectedSeller: (buyerGrade: SafetyGrade): LocalizedText => ({
    ko: `이 판매자는 보호 모드를 사용 중이어서, 일정 안전 등급 이상인 회원과만 거래합니다. 회원님의 현재 안전 등급(${GRADE_NAMES[buyerGrade].ko})으로는 이 판매자와 거래를 시작할 수 없습니다. 본인 인증을 마치고 거래 이력을 쌓으면 등급이 올라갑니다.`,
    en: `This seller uses protected mode and only trades with members above a certain safety grade. With your current safety grade (${GRADE_NAMES[buyerGrade].en}) you cannot start a trade with them. Completing verification and building a trade history raises your grade.`,
  }),
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
} as const;
