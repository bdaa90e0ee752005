// Every sentence this service shows a person, in Korean (default) and English, in one place so
// wording stays plain and consistent. Written for people who are not technical: say what
// happened and what to do next.
// The refusals every service shares (sign in first, administrators only, check your input)
// come from the platform's commonMessages.
import { catalogue, commonMessages, formatMoment, minutesUntilRetry, type LocalizedText } from '@anshim/platform';
import data from './messages.json' with { type: 'json' };

/** The fixed sentences, as data (messages.json: translators edit it, not code); checked when the service loads. */
const texts = catalogue(data, 'subgraphs/user/src/messages.json');

export const messages = {
  ...commonMessages,
  ...texts.messages,
  suspendedUntil: (until: Date | null): LocalizedText => {
    if (!until) return { ko: '이용이 정지된 계정입니다. 고객센터에 문의해 주세요.', en: 'This account is suspended. Please contact support.' };
    const at = formatMoment(until);
    return {
      ko: `이용이 정지된 계정입니다. ${at.ko}까지 로그인할 수 없습니다.`,
      en: `This account is suspended. You cannot sign in until ${at.en}.`,
    };
  },
  idCardRejectedMail: (reason: string): { subject: string; text: string } => ({
    subject: '[안심] 신분증 확인 결과 안내 / ID card check result',
    text: `신분증 확인이 반려되었습니다. 사유: ${reason}\n사유를 확인하신 뒤 다시 신청해 주세요.\n\nYour ID card check was rejected. Reason: ${reason}\nPlease check the reason and apply again.`,
  }),
  tooManyCodeRequests: (retryAfterSeconds: number): LocalizedText => {
    const minutes = minutesUntilRetry(retryAfterSeconds);
    return {
      ko: `인증번호를 너무 자주 요청했습니다. ${minutes}분 뒤에 다시 시도해 주세요.`,
      en: `Too many code requests. Please try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    };
  },
  codeWrong: (attemptsLeft: number): LocalizedText => ({
    ko: `인증번호가 맞지 않습니다. ${attemptsLeft}번 더 입력할 수 있습니다.`,
    en: `That code is not correct. You can try ${attemptsLeft} more time${attemptsLeft === 1 ? '' : 's'}.`,
  }),
  guardianInvitesPerMember: (max: number): LocalizedText => ({
    ko: `보호자 초대 문자는 하루에 ${max}번까지만 보낼 수 있습니다. 내일 다시 시도해 주세요.`,
    en: `You can send at most ${max} guardian invitation${max === 1 ? '' : 's'} a day. Please try again tomorrow.`,
  }),
  // REQUIRE_VERIFICATION, read by the member themself (User.verificationRequirement): what stops
  // them and exactly what to do, never the monitor's reasons.
  verificationRequired: (missing: readonly ('SMS' | 'ID_CARD')[]): LocalizedText => {
    const sms = missing.includes('SMS');
    const idCard = missing.includes('ID_CARD');
    const todo = sms && idCard
      ? { ko: '휴대폰 인증과 신분증 인증을', en: 'phone (SMS) verification and ID card verification' }
      : sms ? { ko: '휴대폰 인증을', en: 'phone (SMS) verification' } : { ko: '신분증 인증을', en: 'ID card verification' };
    return {
      ko: `안전을 위해 본인 확인이 필요합니다. ${todo.ko} 마치면 다시 물건을 올리고, 메시지를 보내고, 거래를 시작할 수 있습니다.`,
      en: `For everyone's safety we need to confirm who you are. Complete ${todo.en}, then you can list items, send messages and start trades again.`,
    };
  },
} as const;

/** The text of a verification code message (SMS or email body). */
export function codeMessage(code: string): { subject: string; text: string } {
  return {
    subject: '[안심] 인증번호 / Verification code',
    text: `[안심] 인증번호는 ${code} 입니다. 10분 안에 입력해 주세요. 누구에게도 알려주지 마세요.\n[Anshim] Your code is ${code}. It works for 10 minutes. Never share it with anyone.`,
  };
}

const GRADE_KO = { VERY_SAFE: '매우 안전', SAFE: '안전', NORMAL: '보통', CAUTION: '주의', DANGER: '위험' } as const;
export type GradeName = keyof typeof GRADE_KO;

/** "주의 등급" or, when the safety service has not graded the person yet, "아직 등급 없음". */
export function gradeLabel(grade: GradeName | null): string {
  return grade ? `${GRADE_KO[grade]} 등급` : '아직 등급 없음';
}

const won = (amount: number) => `${new Intl.NumberFormat('ko-KR').format(amount)}원`;

/** A person in a guardian SMS: the safe nickname in quotes, or a neutral description (see guardians/sms-nickname.ts). */
const member = (nickname: string | null) => (nickname ? `'${nickname}'님` : '보호하시는 회원님');
const counterpart = (nickname: string | null, grade: GradeName | null) =>
  nickname ? `'${nickname}'(${gradeLabel(grade)})님` : `한 회원(${gradeLabel(grade)})`;

/** "12월 6일 오후 3시 5분", Korean time (Asia/Seoul), whatever the server's zone. */
function koreanTime(at: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Seoul', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const hour = Number(parts.hour);
  const hour12 = hour % 12 === 0 ? 12 : hour % 12;
  return `${parts.month}월 ${parts.day}일 ${hour < 12 ? '오전' : '오후'} ${hour12}시 ${Number(parts.minute)}분`;
}

/** "60분이" (or "4초가", for a short alert time in a test setting), with its subject particle. */
const durationSubject = (seconds: number) => (seconds >= 60 ? `${Math.round(seconds / 60)}분이` : `${seconds}초가`);

/**
 * SMS texts for guardians, plain Korean only (the recipient did not choose a language). Fixed
 * wording: the only member-chosen text they ever carry is a nickname that passed guardians/sms-nickname.ts
 * (null → a neutral wording), never a name or relation the member typed for the guardian.
 */
export const guardianTexts = {
  invitation: (p: { userNickname: string | null; code: string }) => {
    const who = p.userNickname ? `안심 중고거래 회원 '${p.userNickname}'님` : '안심 중고거래 회원 한 분';
    const tellTo = p.userNickname ? `'${p.userNickname}'님에게` : '등록을 요청한 분에게';
    return (
      `[안심] ${who}이 이 번호를 보호자로 등록하려고 합니다. ` +
      `보호자가 되시면 이 회원이 위험해 보이는 사람과 대화하거나 큰돈이 오가는 거래를 할 때 문자로 알려 드립니다. ` +
      `동의하시면 인증번호 ${p.code} 를 ${tellTo} 직접 알려 주세요(10분 안에 입력). 모르는 분이라면 이 문자를 무시하세요.`
    );
  },
  riskAlert: (p: { userNickname: string | null; counterpartNickname: string | null; grade: GradeName | null; level: 'HIGH' | 'CRITICAL' }) =>
    `[안심] 보호자님께 알려 드립니다. ${counterpart(p.counterpartNickname, p.grade)}이 ${member(p.userNickname)}에게 연락하고 있습니다. 이 사람은 사기 위험이 ${p.level === 'CRITICAL' ? '매우 높습니다' : '높습니다'}. ` +
    `${member(p.userNickname)}에게 전화해서, 직접 만나서 물건을 확인하기 전에는 절대 돈을 보내지 말라고 알려 주세요.`,
  riskyTrade: (p: { userNickname: string | null; counterpartNickname: string | null; grade: GradeName; amount: number }) =>
    `[안심] 보호자님께 알려 드립니다. ${member(p.userNickname)}이 ${counterpart(p.counterpartNickname, p.grade)}과 ${won(p.amount)} 거래를 시작했습니다. ` +
    `${member(p.userNickname)}에게 전화해서, 직접 만나서 물건을 확인하기 전에는 돈을 보내지 말고, 가능하면 경찰서 안심거래존에서 만나라고 알려 주세요.`,
  paymentApproval: (p: { userNickname: string | null; amount: number; itemTitle: string | null; reason: 'LARGE_AMOUNT' | 'RISKY_COUNTERPART'; grade: GradeName | null; code: string; validHours: number; answerUrl: string }) =>
    `[안심] ${member(p.userNickname)}이 ${p.itemTitle ? `'${p.itemTitle}'` : '물건'} 값 ${won(p.amount)}을 안심결제하려고 합니다. ` +
    (p.reason === 'LARGE_AMOUNT' ? '큰 금액이라 보호자님의 승인을 부탁드립니다. ' : `판매자가 ${gradeLabel(p.grade)}이라 보호자님의 승인을 부탁드립니다. `) +
    `회원님과 통화해 확인하신 뒤 승인번호 ${p.code} 로 승인하거나 거절해 주세요(${p.validHours}시간 안): ${p.answerUrl}`,
  reportAccepted: (p: { userNickname: string | null; counterpartNickname: string | null; grade: GradeName | null }) =>
    `[안심] 보호자님께 알려 드립니다. ${member(p.userNickname)}과 거래한 적 있는 ${counterpart(p.counterpartNickname, p.grade).replace(/님$/, '')}에 대한 신고가 사실로 확인되었습니다. ` +
    `${member(p.userNickname)}에게 전화해서, 이 사람에게 돈을 보내거나 개인정보를 알려 주지 말고, 피해가 있었다면 고객센터와 경찰(112)에 알리라고 전해 주세요.`,
  /** The place is a safe-trade zone the platform's ADMINs curate (not member text); null: no zone was chosen. */
  checkInOverdue: (p: { userNickname: string | null; counterpartNickname: string | null; place: { name: string; address: string } | null; checkedInAt: Date; overdueAfterSeconds: number }) =>
    `[안심] 보호자님께 알려 드립니다. ${member(p.userNickname)}이 ${koreanTime(p.checkedInAt)}에 ` +
    `${p.place ? `'${p.place.name}'(${p.place.address})` : '거래 약속 장소'}에서 ${p.counterpartNickname ? `'${p.counterpartNickname}'님을` : '거래 상대를'} 만나려고 도착을 알렸는데, ` +
    `${durationSubject(p.overdueAfterSeconds)} 지나도록 무사히 끝났다는 확인이 없습니다. ${member(p.userNickname)}에게 전화해서 괜찮은지 확인해 주세요. ` +
    `연락이 닿지 않고 걱정되면 경찰(112)에 신고해 주세요.`,
};

/**
 * Account security (auth/password-reset.ts, auth/two-factor.ts, auth/session-list.ts): refusals in
 * ko/en, and the emails and SMS in plain Korean first (the English line follows for members who
 * read English).
 */
export const accountMessages = {
  ...texts.accountMessages,
  tooManyResetRequests: (retryAfterSeconds: number): LocalizedText => {
    const minutes = minutesUntilRetry(retryAfterSeconds);
    return {
      ko: `비밀번호 재설정을 너무 자주 요청했습니다. ${minutes}분 뒤에 다시 시도해 주세요.`,
      en: `Too many password reset requests. Please try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    };
  },
  resetCodeMail: (code: string) => ({
    subject: '[안심] 비밀번호 재설정 코드 / Password reset code',
    text:
      `[안심] 비밀번호 재설정 코드는 ${code} 입니다. 15분 안에 입력해 주세요. 누구에게도 알려주지 마세요. 요청하지 않았다면 이 메일을 무시하세요. 비밀번호는 바뀌지 않습니다.\n\n` +
      `[Anshim] Your password reset code is ${code}. It works for 15 minutes. Never share it. If you did not ask for it, ignore this email; your password stays as it is.`,
  }),
  passwordChangedMail: {
    subject: '[안심] 비밀번호가 바뀌었습니다 / Your password was changed',
    text:
      '회원님 계정의 비밀번호가 바뀌었고, 다른 기기의 로그인은 모두 끝났습니다. 본인이 바꾼 것이 아니라면 바로 비밀번호 재설정을 하고 고객센터에 알려 주세요.\n\n' +
      'The password of your account was changed and your other sign-ins were ended. If it wasn\'t you, reset your password right away and tell our support team.',
  },
  newDeviceMail: (client: string | null) => ({
    subject: '[안심] 새 기기에서 로그인했습니다 / New sign-in on a new device',
    text:
      `회원님 계정에 처음 보는 기기${client ? `(${client})` : ''}에서 로그인했습니다. 본인이 맞다면 아무것도 하지 않아도 됩니다. 본인이 아니라면 설정의 '로그인 기기'에서 그 기기를 로그아웃하고 비밀번호를 바꿔 주세요.\n\n` +
      `Your account was signed in from a device it never used before${client ? ` (${client})` : ''}. If it was you, nothing to do. If not, sign that device out under "Sessions" in your settings and change your password.`,
  }),
  signInCodeSms: (code: string) => `[안심] 로그인 인증번호는 ${code} 입니다. 10분 안에 입력해 주세요. 본인이 로그인하는 중이 아니라면 누구에게도 알려주지 말고 비밀번호를 바꿔 주세요.`,
} as const;
