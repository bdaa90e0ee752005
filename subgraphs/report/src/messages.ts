// Every sentence this service shows a person, in Korean (default) and English, in plain words:
// what happened and what to do next.
// The refusals every service shares (sign in first, administrators only, check your input)
// come from the platform's commonMessages.
import { catalogue, commonMessages, formatMoment, minutesUntilRetry, type LocalizedText } from '@anshim/platform';
import data from './messages.json' with { type: 'json' };

/** The fixed sentences, as data (messages.json: translators edit it, not code); checked when the service loads. */
const texts = catalogue(data, 'subgraphs/report/src/messages.json');

// messages.json's publicReasonRefused: processReport's publicReason, by what is wrong with it
// (workflow.publicReason); fraudCheckAdvice: the verdicts whose advice takes no number.

export const messages = {
  ...commonMessages,
  ...texts.messages,
  tooManyReports: (retryAfterSeconds: number): LocalizedText => {
    const minutes = minutesUntilRetry(retryAfterSeconds);
    return {
      ko: `신고를 너무 많이 접수했습니다. ${minutes}분 뒤에 다시 시도해 주세요. 급한 위험이 있으면 112에 신고하세요.`,
      en: `You have filed too many reports. Please try again in ${minutes} minute(s). If you are in danger, call 112.`,
    };
  },
  sanctioned: (until: Date | null): LocalizedText => {
    if (!until) return { ko: '이용이 영구 정지된 계정은 신고할 수 없습니다.', en: 'A permanently banned account cannot file reports.' };
    const at = formatMoment(until);
    return { ko: `이용이 정지된 계정입니다. ${at.ko}까지 신고할 수 없습니다.`, en: `This account is suspended. You cannot file reports until ${at.en}.` };
  },
  tooManyChecks: (retryAfterSeconds: number): LocalizedText => {
    const minutes = minutesUntilRetry(retryAfterSeconds);
    return {
      ko: `조회를 너무 많이 했습니다. ${minutes}분 뒤에 다시 시도해 주세요. 그 사이에는 돈을 보내지 마세요.`,
      en: `You have made too many checks. Please try again in ${minutes} minute(s), and do not send money in the meantime.`,
    };
  },
  /**
   * The advice of checkPaymentIdentifier, by verdict (fraud-registry.ts). CAUTION names only the
   * reporters that count: identity-verified members who traded with the account holder.
   */
  fraudCheckAdvice: {
    ...texts.fraudCheckAdvice,
    CONFIRMED_FRAUD: (confirmed: number): LocalizedText => ({
      ko: `관리자가 사기로 확인한 신고가 ${confirmed}건 있는 번호예요. 절대 돈을 보내지 마세요. 이미 보냈다면 바로 은행 고객센터에 지급정지를 요청하고 112에 신고하세요.`,
      en: `An administrator confirmed ${confirmed} fraud report(s) naming this number. Do not send any money. If you already did, call your bank now to freeze the transfer and report it to the police (112).`,
    }),
    CAUTION: (reporters: number): LocalizedText => ({
      ko: `본인인증을 마치고 이 번호의 주인과 실제로 거래한 회원 ${reporters}명이 이 번호를 신고해 관리자가 확인하고 있어요. 아직 사기로 확정되지는 않았지만, 돈을 먼저 보내지 말고 안심 안전결제로만 거래하세요.`,
      en: `${reporters} members who verified their identity and traded with this number's holder reported it; an administrator is checking. Fraud is not confirmed yet, but do not pay in advance; pay only through Anshim safe payment.`,
    }),
  },
};
