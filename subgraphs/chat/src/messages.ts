// Every sentence this service shows a person, in Korean (default) and English, in plain words:
// what happened and what to do next. The refusals every service shares (sign in first,
// administrators only, check your input) come from the platform's commonMessages.
import { catalogue, commonMessages, minutesUntilRetry, type LocalizedText } from '@anshim/platform';
import data from './messages.json' with { type: 'json' };
import type { SafetyGrade } from './grades.ts';

/** The fixed sentences, as data (messages.json: translators edit it, not code); checked when the service loads. */
const texts = catalogue(data, 'subgraphs/chat/src/messages.json');

/** How a grade is named to members. */
export const GRADE_NAMES: Record<SafetyGrade, LocalizedText> = texts.GRADE_NAMES;

export const messages = {
  ...commonMessages,
  ...texts.messages,
  textTooLong: (max: number): LocalizedText => ({ ko: `메시지는 ${max.toLocaleString('ko-KR')}자까지 보낼 수 있어요.`, en: `A message can be ${max.toLocaleString('en-US')} characters at most.` }),
  tooManyMessages: (retryAfterSeconds: number): LocalizedText => ({
    ko: `메시지를 너무 빨리 보내고 있어요. ${minutesUntilRetry(retryAfterSeconds)}분 뒤에 다시 보내 주세요.`,
    en: `You are sending messages too fast. Please try again in ${minutesUntilRetry(retryAfterSeconds)} minute(s).`,
  }),
  tooManyConversations: (retryAfterSeconds: number): LocalizedText => ({
    ko: `새 대화를 너무 많이 시작했어요. ${minutesUntilRetry(retryAfterSeconds)}분 뒤에 다시 시도해 주세요. 이미 있는 대화는 계속 쓸 수 있어요.`,
    en: `You have started too many new conversations. Please try again in ${minutesUntilRetry(retryAfterSeconds)} minute(s); your existing conversations still work.`,
  }),
  tooManyAdminReads: (retryAfterSeconds: number): LocalizedText => ({
    ko: `짧은 시간에 대화를 너무 많이 열람했어요. ${minutesUntilRetry(retryAfterSeconds)}분 뒤에 다시 시도해 주세요. 열람 기록은 감사 로그에 남아 있어요.`,
    en: `You have opened too many conversations in a short time. Please try again in ${minutesUntilRetry(retryAfterSeconds)} minute(s). Your reads are in the audit log.`,
  }),
  buyerGradeBelowMinimum: (minimum: SafetyGrade): LocalizedText => ({
    ko: `이 판매자는 안심 등급 '${GRADE_NAMES[minimum].ko}' 이상인 회원과만 대화해요. 안전 거래 기록을 쌓아 등급을 올리면 대화할 수 있어요.`,
    en: `This seller only chats with members whose safety grade is ${GRADE_NAMES[minimum].en} or better. Build a safe trading record to raise your grade, then try again.`,
  }),
  firstRange: (max: number): LocalizedText => ({ ko: `first는 1에서 ${max} 사이여야 해요.`, en: `first must be between 1 and ${max}.` }),
} as const;

/**
 * What a recipient reads for each screening finding, by code. A code screening adds later without
 * a sentence in messages.json falls back to `otherWarning`, so a finding is never shown without words.
 */
export const warningMessages: Record<string, LocalizedText> = texts.warningMessages;
export const otherWarning: LocalizedText = texts.otherWarning;

/** Conversation.safetyNotice: the most serious of these is shown (safety-notice.ts orders them). */
export const safetyNotices = texts.safetyNotices satisfies Record<string, LocalizedText>;
