// Every sentence this service shows a person, in Korean (default) and English, in plain words:
// what happened and what to do next. The refusals every service shares (sign in first,
// administrators only, check your input) come from the platform's commonMessages.
import { commonMessages, minutesUntilRetry, type LocalizedText } from '@anshim/platform';
import type { SafetyGrade } from './grades.ts';

/** How a grade is named to members. */
export const GRADE_NAMES: Record<SafetyGrade, LocalizedText> = {
  VERY_SAFE: { ko: '매우 안전', en: 'very safe' },
  SAFE: { ko: '안전', en: 'safe' },
  NORMAL: { ko: '보통', en: 'normal' },
  CAUTION: { ko: '주의', en: 'caution' },
  DANGER: { ko: '위험', en: 'danger' },
};

export const messages = {
  ...commonMessages,
  badId: { ko: '잘못된 ID예요.', en: 'That id is not valid.' },
  conversationNotFound: { ko: '대화를 찾을 수 없어요.', en: 'We could not find that conversation.' },
  productNotFound: { ko: '상품을 찾을 수 없어요.', en: 'We could not find that listing.' },
  ownerUnavailable: {
    ko: '지금은 상품 정보를 확인할 수 없어 대화를 시작하지 못했어요. 잠시 후 다시 시도해 주세요.',
    en: 'We cannot check that listing right now, so the conversation was not started. Please try again shortly.',
  },
  productSold: { ko: '이미 판매가 끝난 상품이에요. 새 대화를 시작할 수 없어요.', en: 'This listing has been sold; you cannot start a new conversation about it.' },
  ownListing: { ko: '내 상품에는 대화를 걸 수 없어요.', en: 'You cannot start a conversation about your own listing.' },
  emptyText: { ko: '메시지를 입력해 주세요.', en: 'Please write a message.' },
  textTooLong: (max: number): LocalizedText => ({ ko: `메시지는 ${max.toLocaleString('ko-KR')}자까지 보낼 수 있어요.`, en: `A message can be ${max.toLocaleString('en-US')} characters at most.` }),
  accountBanned: { ko: '이용이 정지된 계정은 메시지를 보낼 수 없어요.', en: 'A banned account cannot send messages.' },
  accountSuspended: { ko: '계정이 일시 정지되어 지금은 메시지를 보낼 수 없어요.', en: 'Your account is suspended, so you cannot send messages right now.' },
  accountRestricted: { ko: '계정이 제한되어 메시지를 보낼 수 없어요. 고객센터에 문의해 주세요.', en: 'Your account is restricted and cannot send messages. Please contact support.' },
  tooManyMessages: (retryAfterSeconds: number): LocalizedText => ({
    ko: `메시지를 너무 빨리 보내고 있어요. ${minutesUntilRetry(retryAfterSeconds)}분 뒤에 다시 보내 주세요.`,
    en: `You are sending messages too fast. Please try again in ${minutesUntilRetry(retryAfterSeconds)} minute(s).`,
  }),
  tooManyConversations: (retryAfterSeconds: number): LocalizedText => ({
    ko: `새 대화를 너무 많이 시작했어요. ${minutesUntilRetry(retryAfterSeconds)}분 뒤에 다시 시도해 주세요. 이미 있는 대화는 계속 쓸 수 있어요.`,
    en: `You have started too many new conversations. Please try again in ${minutesUntilRetry(retryAfterSeconds)} minute(s); your existing conversations still work.`,
  }),
  verificationRequired: {
    ko: '안전을 위해 본인 확인이 필요해요. 휴대폰(SMS) 인증과 신분증 인증을 마치면 다시 대화할 수 있어요.',
    en: 'For safety, we need to confirm it is you. Finish SMS verification and ID card verification, then you can chat again.',
  },
  buyerGradeBelowMinimum: (minimum: SafetyGrade): LocalizedText => ({
    ko: `이 판매자는 안심 등급 '${GRADE_NAMES[minimum].ko}' 이상인 회원과만 대화해요. 안전 거래 기록을 쌓아 등급을 올리면 대화할 수 있어요.`,
    en: `This seller only chats with members whose safety grade is ${GRADE_NAMES[minimum].en} or better. Build a safe trading record to raise your grade, then try again.`,
  }),
  adminNotLinked: {
    ko: '신고나 위험 알림과 연결된 대화만 관리자가 열람할 수 있어요.',
    en: 'Administrators may read a conversation only when it is linked to a report or a risk alert.',
  },
  cannotSendHere: { ko: '지금은 이 대화에 메시지를 보낼 수 없어요.', en: 'You cannot send messages in this conversation right now.' },
  badCursor: { ko: '잘못된 페이지 커서예요.', en: 'That page cursor is not valid.' },
  firstRange: (max: number): LocalizedText => ({ ko: `first는 1에서 ${max} 사이여야 해요.`, en: `first must be between 1 and ${max}.` }),
} as const;

/**
 * What a recipient reads for each screening finding, by code. A code screening adds later without
 * a sentence here falls back to `otherWarning`, so a finding is never shown without words.
 */
export const warningMessages: Record<string, LocalizedText> = {
  PAYMENT_IDENTIFIER: {
    ko: '계좌번호나 송금 정보가 담긴 메시지예요. 선입금은 하지 말고 안심결제를 이용하세요.',
    en: 'This message contains an account number or payment details. Do not pay in advance; use Anshim safe payment.',
  },
  LOOKALIKE_LINK: { ko: '결제·중고거래 사이트를 흉내 낸 링크일 수 있어요. 누르지 마세요.', en: 'This link may imitate a payment or marketplace site. Do not open it.' },
  OFF_APP_CONTACT: { ko: '다른 메신저로 옮기자는 메시지예요. 앱 밖 대화는 보호받을 수 없어요.', en: 'This message asks to move to another messenger. Conversations outside the app are not protected.' },
  KNOWN_FRAUD_IDENTIFIER: {
    ko: '사기 신고가 확인된 계좌·번호가 있어 가렸어요. 절대 송금하지 마세요.',
    en: 'A number confirmed in fraud reports was hidden. Do not send any money.',
  },
};
export const otherWarning: LocalizedText = { ko: '주의가 필요한 내용이 있는 메시지예요.', en: 'This message contains something to be careful about.' };

/** Conversation.safetyNotice: the most serious of these is shown (safety-notice.ts orders them). */
export const safetyNotices = {
  counterpartOnHold: {
    ko: '상대방의 거래가 안전 점검으로 잠시 보류되어 있어요. 점검이 끝날 때까지 돈을 보내지 마세요.',
    en: 'The other member\'s trading is on hold for a safety review. Do not send any money until it is over.',
  },
  counterpartDanger: {
    ko: "상대방의 안심 등급이 '위험'이에요. 거래하지 않는 것을 권해요. 앱 밖에서 돈을 보내지 마세요.",
    en: 'The other member\'s safety grade is DANGER. We advise against trading with them; never pay outside the app.',
  },
  counterpartWarned: {
    ko: '플랫폼이 상대방에게서 위험한 행동을 발견했어요. 앱 밖에서 돈을 보내지 말고 안심결제를 이용하세요.',
    en: 'The platform noticed risky behaviour by the other member. Do not pay outside the app; use Anshim safe payment.',
  },
  counterpartCaution: {
    ko: "상대방의 안심 등급이 '주의'예요. 선입금은 하지 말고 안심결제를 이용하세요.",
    en: 'The other member\'s safety grade is CAUTION. Do not pay in advance; use Anshim safe payment.',
  },
  somethingMasked: { ko: '이 대화에서 안심 거래에 위험한 내용 일부를 가렸어요. 선입금은 하지 마세요.', en: 'Part of this conversation was hidden because it could be unsafe. Do not pay in advance.' },
} satisfies Record<string, LocalizedText>;
