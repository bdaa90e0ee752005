import type { Rule } from './types.ts';

/**
 * A chat message names a bank account or phone number that an accepted report already tied to
 * fraud (the copy fed by report.identifiers_confirmed; the hashes arrive in the facts). CRITICAL
 * on its own: the recipient is about to send money to a known fraud account.
 */
export const KNOWN_FRAUD_ACCOUNT: Rule = {
  code: 'KNOWN_FRAUD_ACCOUNT',
  level: 'CRITICAL',
  message: {
    ko: '상대방이 보낸 계좌번호나 전화번호는 사기 신고가 확인된 번호예요. 절대 돈을 보내지 말고, 이미 보냈다면 바로 은행에 지급정지를 요청하고 112에 신고하세요.',
    en: 'The account or phone number the other person sent was named in a confirmed fraud report. Do not send any money; if you already did, ask your bank to freeze the transfer now and call the police (112).',
  },
  signalHours: 168,
  recipients: 'counterpart',
  matches: ({ activity, knownFraudIdentifiers }) =>
    (activity.type === 'CHAT_MESSAGE' || activity.type === 'PAYMENT_REQUEST') && (knownFraudIdentifiers ?? 0) > 0,
};
