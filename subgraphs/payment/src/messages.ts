// Every sentence this service shows a person, in Korean (default) and English, in plain words:
// what happened and what to do next. The refusals every service shares come from commonMessages.
import { catalogue, commonMessages, type LocalizedText } from '@anshim/platform';
import data from './messages.json' with { type: 'json' };

/** The fixed sentences, as data (messages.json: translators edit it, not code); checked when the service loads. */
const texts = catalogue(data, 'subgraphs/payment/src/messages.json');

// Groups in messages.json: approvalReason (GuardianApproval.reason: why the guardian is asked);
// historyReason (PaymentStatusChange.reason in plain words: the guardian's steps, told kindly to the
// member, and a moderator's decision, payments/dispute-decisions.ts); statusReason (by status).

export const messages = {
  ...commonMessages,
  ...texts.messages,
  approvalCodeWrong: (left: number): LocalizedText => ({
    ko: `승인번호가 맞지 않아요. 문자로 받은 6자리 번호를 다시 확인해 주세요 (${left}번 더 입력할 수 있어요).`,
    en: `That code is not right. Please check the 6-digit code in the text message (${left} more ${left === 1 ? 'try' : 'tries'}).`,
  }),
} as const;
