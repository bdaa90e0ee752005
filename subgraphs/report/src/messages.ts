// Every sentence this service shows a person, in Korean (default) and English, in plain words:
// what happened and what to do next.
// The refusals every service shares (sign in first, administrators only, check your input)
// come from the platform's commonMessages.
import { commonMessages, formatMoment, minutesUntilRetry, type LocalizedText } from '@anshim/platform';

export const messages = {
  ...commonMessages,
  badFirst: { ko: '한 번에 1건부터 100건까지 볼 수 있습니다.', en: 'A page holds 1 to 100 reports.' },
  badCursor: {
    ko: '이어서 볼 위치가 올바르지 않습니다. 목록을 처음부터 다시 불러 주세요.',
    en: 'The place to continue from is not valid. Please load the list again from the start.',
  },
  selfReport: { ko: '자기 자신은 신고할 수 없습니다.', en: 'You cannot report yourself.' },
  userNotFound: { ko: '신고하려는 사용자를 찾을 수 없습니다.', en: 'The user you want to report was not found.' },
  ownerUnavailable: {
    ko: '지금은 신고 대상을 확인할 수 없어 신고를 접수하지 않았습니다. 잠시 후 다시 시도해 주세요.',
    en: 'What you are reporting cannot be checked right now, so the report was not filed. Please try again shortly.',
  },
  productNotFound: { ko: '상품을 찾을 수 없습니다.', en: 'The product was not found.' },
  transactionNotFound: { ko: '거래를 찾을 수 없습니다.', en: 'The trade was not found.' },
  productOfSomeoneElse: { ko: '이 상품은 신고하려는 사용자의 상품이 아닙니다.', en: 'This product does not belong to the user you are reporting.' },
  transactionNotBetween: {
    ko: '이 거래는 나와 신고하려는 사용자 사이의 거래가 아닙니다.',
    en: 'This trade is not between you and the user you are reporting.',
  },
  descriptionTooShort: { ko: '무슨 일이 있었는지 10자 이상 적어 주세요.', en: 'Please describe what happened in at least 10 characters.' },
  descriptionTooLong: { ko: '설명은 2,000자 이하로 적어 주세요.', en: 'Please keep the description to 2,000 characters or fewer.' },
  tooManyEvidence: { ko: '증거 파일은 10개까지 첨부할 수 있습니다.', en: 'You can attach up to 10 evidence files.' },
  duplicateEvidence: { ko: '같은 증거 파일이 두 번 들어 있습니다.', en: 'The same evidence file is listed twice.' },
  evidenceNotYours: {
    ko: '이 증거 파일은 내가 올린 파일이 아닙니다. 파일을 다시 올려 주세요.',
    en: 'This evidence file was not uploaded by you. Please upload the file again.',
  },
  evidenceAlreadyUsed: { ko: '이 증거 파일은 이미 다른 신고에 첨부되었습니다.', en: 'This evidence file is already attached to another report.' },
  duplicateReport: {
    ko: '같은 사용자를 같은 사유로 24시간 안에 이미 신고했습니다. 기존 신고의 처리 결과를 기다려 주세요.',
    en: 'You already reported this user for the same reason in the last 24 hours. Please wait for the outcome of that report.',
  },
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
  reportNotFound: { ko: '신고를 찾을 수 없습니다.', en: 'The report was not found.' },
  reportClosed: { ko: '이미 처리가 끝난 신고입니다.', en: 'This report has already been decided.' },
  alreadyInReview: { ko: '이미 검토 중인 신고입니다.', en: 'This report is already being reviewed.' },
  resolutionRequired: { ko: '처리 결과(사유)를 적어 주세요.', en: 'Please write the resolution (the reason for the decision).' },
  resolutionTooLong: { ko: '처리 결과는 2,000자 이하로 적어 주세요.', en: 'Please keep the resolution to 2,000 characters or fewer.' },
  sanctionDaysRequired: { ko: '정지 기간(1~365일)을 정해 주세요.', en: 'Please give the number of suspension days (1 to 365).' },
  sanctionDaysOnlyForSuspension: { ko: '정지 기간은 이용 정지(SUSPENSION)에만 정할 수 있습니다.', en: 'Days can only be given for a SUSPENSION.' },
  /** processReport's publicReason, by what is wrong with it (workflow.publicReason). */
  publicReasonRefused: {
    onlyWithSanction: { ko: '공개 사유는 제재를 정할 때만 적을 수 있습니다.', en: 'A public reason can only be given together with a sanction.' },
    tooLong: { ko: '공개 사유는 500자 이하로 적어 주세요.', en: 'Please keep the public reason to 500 characters or fewer.' },
    control: { ko: '공개 사유에 쓸 수 없는 문자가 들어 있습니다.', en: 'The public reason contains characters that cannot be used.' },
  },
  sanctionOnlyWhenAccepted: { ko: '제재는 신고를 받아들일 때(ACCEPT)만 정할 수 있습니다.', en: 'A sanction can only be given when the report is accepted (ACCEPT).' },
  reporterHidden: {
    ko: '신고한 사람은 공개되지 않습니다.',
    en: 'Who filed a report is never shown to the reported person.',
  },
  ownReportsOnly: { ko: '본인에 대한 신고만 볼 수 있습니다.', en: 'You can only see reports about yourself.' },
  identifierUnreadable: {
    ko: '계좌번호나 휴대폰 번호를 알아볼 수 없습니다. 계좌는 숫자 8~16자리, 휴대폰은 010으로 시작하는 번호로 적어 주세요.',
    en: 'We could not read that account or phone number. Give an account as 8 to 16 digits, or a mobile number starting with 010.',
  },
  tooManyIdentifiers: { ko: '계좌번호·전화번호는 한 신고에 5개까지 적을 수 있습니다.', en: 'A report can name up to 5 accounts or phone numbers.' },
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
    CONFIRMED_FRAUD: (confirmed: number): LocalizedText => ({
      ko: `관리자가 사기로 확인한 신고가 ${confirmed}건 있는 번호예요. 절대 돈을 보내지 마세요. 이미 보냈다면 바로 은행 고객센터에 지급정지를 요청하고 112에 신고하세요.`,
      en: `An administrator confirmed ${confirmed} fraud report(s) naming this number. Do not send any money. If you already did, call your bank now to freeze the transfer and report it to the police (112).`,
    }),
    CAUTION: (reporters: number): LocalizedText => ({
      ko: `본인인증을 마치고 이 번호의 주인과 실제로 거래한 회원 ${reporters}명이 이 번호를 신고해 관리자가 확인하고 있어요. 아직 사기로 확정되지는 않았지만, 돈을 먼저 보내지 말고 안심 안전결제로만 거래하세요.`,
      en: `${reporters} members who verified their identity and traded with this number's holder reported it; an administrator is checking. Fraud is not confirmed yet, but do not pay in advance; pay only through Anshim safe payment.`,
    }),
    NO_RECORD: {
      ko: '이 번호는 사기로 확인된 신고도, 거래해 본 인증 회원들의 신고도 없어요. 그래도 안전하다는 뜻은 아니니, 돈을 먼저 보내지 말고 안심 안전결제로 거래하세요.',
      en: 'Nothing on record: no confirmed fraud report and no reports from verified members who traded with its holder. That does not prove it is safe: do not pay in advance, and pay through Anshim safe payment.',
    },
  },
};
