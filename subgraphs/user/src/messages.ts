// Every sentence this service shows a person, in Korean (default) and English, in one place so
// wording stays plain and consistent. Written for people who are not technical: say what
// happened and what to do next.
// The refusals every service shares (sign in first, administrators only, check your input)
// come from the platform's commonMessages.
import { commonMessages, formatMoment, minutesUntilRetry, type LocalizedText } from '@anshim/platform';

export const messages = {
  ...commonMessages,
  emailInvalid: { ko: '이메일 주소 형식이 올바르지 않습니다. 예: name@example.com', en: 'That email address does not look right. Example: name@example.com' },
  passwordTooShort: { ko: '비밀번호는 10자 이상이어야 합니다.', en: 'The password must be at least 10 characters long.' },
  passwordCommon: { ko: '너무 흔한 비밀번호라 쉽게 추측될 수 있습니다. 다른 비밀번호를 정해 주세요.', en: 'This password is too common and easy to guess. Please choose another one.' },
  passwordIsEmail: { ko: '이메일 주소를 비밀번호로 쓸 수 없습니다.', en: 'Your email address cannot be your password.' },
  passwordTooLong: { ko: '비밀번호는 200자 이하여야 합니다.', en: 'The password must be at most 200 characters long.' },
  nicknameEmpty: { ko: '닉네임을 입력해 주세요.', en: 'Please enter a nickname.' },
  nicknameTooLong: { ko: '닉네임은 30자 이하여야 합니다.', en: 'The nickname must be at most 30 characters long.' },
  nicknameControl: { ko: '닉네임에 쓸 수 없는 문자가 들어 있습니다.', en: 'The nickname contains characters that cannot be used.' },
  phoneInvalid: {
    ko: '휴대전화 번호 형식이 올바르지 않습니다. 010으로 시작하는 번호를 입력해 주세요. 예: 010-1234-5678',
    en: 'That mobile number does not look right. Enter a Korean mobile number starting with 010, e.g. 010-1234-5678.',
  },
  bioTooLong: { ko: '자기소개는 500자 이하여야 합니다.', en: 'The introduction must be at most 500 characters long.' },
  regionTooLong: { ko: '지역은 50자 이하여야 합니다.', en: 'The region must be at most 50 characters long.' },
  reasonRequired: { ko: '사유를 입력해 주세요.', en: 'Please give a reason.' },
  searchQueryLength: { ko: '검색어는 2자 이상 100자 이하로 입력해 주세요.', en: 'The search text must be 2 to 100 characters long.' },
  searchFirstRange: { ko: 'first는 1에서 50 사이여야 합니다.', en: 'first must be between 1 and 50.' },
  untilRequired: { ko: '정지 기간이 끝나는 날짜를 입력해 주세요.', en: 'Please give the date the suspension ends.' },
  untilInPast: { ko: '정지 종료 시각은 지금보다 뒤여야 합니다.', en: 'The end of the suspension must be in the future.' },

  emailTaken: { ko: '이미 가입된 이메일입니다. 로그인하거나 다른 이메일을 사용해 주세요.', en: 'This email is already registered. Sign in, or use another email.' },

  wrongCredentials: { ko: '이메일 또는 비밀번호가 맞지 않습니다.', en: 'The email or password is not correct.' },
  sessionExpired: { ko: '로그인이 만료되었습니다. 다시 로그인해 주세요.', en: 'Your sign-in has expired. Please sign in again.' },
  suspendedUntil: (until: Date | null): LocalizedText => {
    if (!until) return { ko: '이용이 정지된 계정입니다. 고객센터에 문의해 주세요.', en: 'This account is suspended. Please contact support.' };
    const at = formatMoment(until);
    return {
      ko: `이용이 정지된 계정입니다. ${at.ko}까지 로그인할 수 없습니다.`,
      en: `This account is suspended. You cannot sign in until ${at.en}.`,
    };
  },
  banned: {
    ko: '이용이 영구 정지된 계정입니다. 이의가 있으면 고객센터에 문의해 주세요.',
    en: 'This account is permanently banned. If you think this is a mistake, please contact support.',
  },
  ownProfileOnly: { ko: '본인의 프로필만 바꿀 수 있습니다.', en: 'You can only change your own profile.' },
  userNotFound: { ko: '사용자를 찾을 수 없습니다.', en: 'User not found.' },

  oauthByLink: {
    ko: '소셜 계정 인증은 코드 대신 계정 연결로 합니다. 설정에서 사용할 서비스를 골라 계정을 연결해 주세요.',
    en: 'Social account verification works by linking an account, not by a code. Choose a provider in your settings and link your account.',
  },
  oidcUnknownProvider: { ko: '지원하지 않는 로그인 서비스입니다.', en: 'This sign-in provider is not supported.' },
  oidcLinkRefused: {
    UNAUTHENTICATED: { ko: '로그인한 상태에서만 다른 로그인 서비스를 연결할 수 있습니다. 다시 로그인해 주세요.', en: 'Sign in first to link another sign-in provider. Please sign in again.' },
    NOT_FOUND: { ko: '지원하지 않는 로그인 서비스입니다.', en: 'This sign-in provider is not supported.' },
    SERVICE_UNAVAILABLE: { ko: '로그인 서비스에 지금 연결할 수 없습니다. 잠시 후 다시 시도해 주세요.', en: 'The sign-in provider cannot be reached right now. Please try again in a moment.' },
  },
  oidcCodeInvalid: { ko: '로그인 확인 코드가 맞지 않거나 만료되었습니다. 다시 로그인해 주세요.', en: 'The sign-in code is not valid or has expired. Please sign in again.' },
  // Sign-up with a provider, unlinking, profile photo, leaving (issue 20).
  oidcSignUpCodeInvalid: { ko: '가입 확인 코드가 맞지 않거나 만료되었습니다. 로그인 서비스로 다시 시작해 주세요.', en: 'The sign-up code is not valid or has expired. Please start again with the sign-in provider.' },
  oidcNotLinked: { ko: '이 로그인 서비스는 계정에 연결되어 있지 않습니다.', en: 'This sign-in provider is not linked to your account.' },
  oidcLastSignInMethod: {
    ko: '마지막 로그인 방법은 연결을 끊을 수 없습니다. 먼저 비밀번호를 만들거나 다른 로그인 서비스를 연결해 주세요.',
    en: 'This is your last way to sign in, so it cannot be unlinked. Set a password or link another provider first.',
  },
  photoKeyUnknown: { ko: '이 사진은 회원님이 올린 사진이 아닙니다. 사진을 다시 올려 주세요.', en: 'This photo was not uploaded by you. Please upload the photo again.' },
  photoKeyUsed: { ko: '이미 사용한 사진입니다. 사진을 다시 올려 주세요.', en: 'This upload was already used. Please upload the photo again.' },
  photoKeyExpired: { ko: '사진 올리기 시간이 지났습니다. 사진을 다시 올려 주세요.', en: 'The upload has expired. Please upload the photo again.' },
  deletePasswordWrong: { ko: '비밀번호가 맞지 않습니다. 계정은 그대로 있습니다.', en: 'The password is not correct. Your account was not deleted.' },
  deletedMemberName: { ko: '탈퇴한 회원', en: 'Former member' },
  idCardReviewer: { ko: '관리자 검토', en: 'administrator review' },
  idCardUnderReview: { ko: '이미 신분증을 검토하고 있습니다. 결과가 나올 때까지 기다려 주세요.', en: 'Your ID card is already being reviewed. Please wait for the result.' },
  idCardTooManyRequests: { ko: '신분증 인증을 너무 자주 요청했습니다. 한 시간 뒤에 다시 시도해 주세요.', en: 'Too many ID card requests. Please try again in an hour.' },
  idCardCheckNotFound: { ko: '신분증 검토 요청을 찾을 수 없습니다.', en: 'This ID card check was not found.' },
  idCardNotPending: { ko: '이미 결정되었거나 아직 사진이 올라오지 않은 검토입니다.', en: 'This check was already decided, or its photo has not arrived yet.' },
  idCardOwnCheck: { ko: '본인의 신분증 검토는 직접 결정할 수 없습니다. 다른 관리자에게 맡겨 주세요.', en: 'You cannot decide your own ID card check. Please leave it to another administrator.' },
  idCardReasonRequired: { ko: '반려할 때는 사용자가 이해할 수 있도록 사유를 적어 주세요.', en: 'Please give a reason the user can understand when rejecting.' },
  idCardReasonTooLong: { ko: '사유는 500자 이하여야 합니다.', en: 'The reason must be at most 500 characters long.' },
  idCardRejectedMail: (reason: string): { subject: string; text: string } => ({
    subject: '[안심] 신분증 확인 결과 안내 / ID card check result',
    text: `신분증 확인이 반려되었습니다. 사유: ${reason}\n사유를 확인하신 뒤 다시 신청해 주세요.\n\nYour ID card check was rejected. Reason: ${reason}\nPlease check the reason and apply again.`,
  }),
  idCardUpload: {
    expired: { ko: '업로드 주소의 유효 시간이 지났습니다. 신분증 인증을 다시 요청해 주세요.', en: 'The upload link has expired. Please request ID card verification again.' },
    invalid: { ko: '올바르지 않은 업로드 주소입니다.', en: 'This upload link is not valid.' },
    used: { ko: '이 주소로는 이미 사진을 올렸거나 더 이상 올릴 수 없습니다.', en: 'A photo was already uploaded with this link, or it can no longer be used.' },
    type: { ko: '신분증 사진은 JPG 또는 PNG 파일만 올릴 수 있습니다.', en: 'The ID card photo must be a JPG or PNG file.' },
    tooLarge: { ko: '사진이 너무 큽니다. 10MB 이하만 올릴 수 있습니다.', en: 'The photo is too large. The limit is 10 MB.' },
    empty: { ko: '파일이 비어 있습니다.', en: 'The file is empty.' },
    failed: { ko: '사진을 저장하지 못했습니다. 잠시 후 다시 시도해 주세요.', en: 'The photo could not be stored. Please try again in a little while.' },
    received: { ko: '신분증 사진을 받았습니다. 관리자가 확인하면 알려 드립니다.', en: 'We received your ID card photo. You will hear from us once an administrator has checked it.' },
  },
  phoneCannotBeBound: {
    ko: '이 번호는 이 계정에 연결할 수 없습니다. 번호를 다시 확인하고, 문제가 계속되면 고객센터에 문의해 주세요.',
    en: 'This number cannot be linked to this account. Check the number, and contact support if the problem continues.',
  },
  phoneMissing: { ko: '문자 인증을 하려면 먼저 프로필에 휴대전화 번호를 등록해 주세요.', en: 'To verify by text message, first add your mobile number to your profile.' },
  alreadyVerified: { ko: '이미 인증을 마쳤습니다.', en: 'This is already verified.' },
  tooManyCodeRequests: (retryAfterSeconds: number): LocalizedText => {
    const minutes = minutesUntilRetry(retryAfterSeconds);
    return {
      ko: `인증번호를 너무 자주 요청했습니다. ${minutes}분 뒤에 다시 시도해 주세요.`,
      en: `Too many code requests. Please try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    };
  },
  challengeNotFound: { ko: '인증 요청을 찾을 수 없습니다. 인증번호를 다시 요청해 주세요.', en: 'This verification request was not found. Please ask for a new code.' },
  challengeUsed: { ko: '이미 사용했거나 더 이상 쓸 수 없는 인증 요청입니다. 인증번호를 다시 요청해 주세요.', en: 'This verification request was already used or cancelled. Please ask for a new code.' },
  codeExpired: { ko: '인증번호의 유효 시간(10분)이 지났습니다. 인증번호를 다시 요청해 주세요.', en: 'The code has expired (codes last 10 minutes). Please ask for a new code.' },
  codeFormat: { ko: '인증번호는 숫자 6자리입니다.', en: 'The code is 6 digits.' },
  codeWrong: (attemptsLeft: number): LocalizedText => ({
    ko: `인증번호가 맞지 않습니다. ${attemptsLeft}번 더 입력할 수 있습니다.`,
    en: `That code is not correct. You can try ${attemptsLeft} more time${attemptsLeft === 1 ? '' : 's'}.`,
  }),
  codeLocked: { ko: '인증번호를 여러 번 틀려 이 인증 요청을 사용할 수 없습니다. 인증번호를 다시 요청해 주세요.', en: 'The code was entered wrongly too many times, so this request is closed. Please ask for a new code.' },
  targetChanged: { ko: '인증번호를 받은 뒤 연락처가 바뀌었습니다. 새 연락처로 인증번호를 다시 요청해 주세요.', en: 'Your contact details changed after the code was sent. Please ask for a new code.' },
  deliveryUnavailable: { ko: '지금은 인증번호를 보낼 수 없습니다. 잠시 후 다시 시도해 주세요.', en: 'We cannot send the code right now. Please try again in a little while.' },

  guardianNameEmpty: { ko: '보호자 이름을 입력해 주세요.', en: "Please enter the guardian's name." },
  guardianNameTooLong: { ko: '보호자 이름은 30자 이하여야 합니다.', en: "The guardian's name must be at most 30 characters long." },
  guardianRelationEmpty: { ko: '보호자와의 관계를 입력해 주세요. 예: 딸, 아들, 배우자', en: 'Please say how the guardian is related to you, e.g. daughter, son, spouse.' },
  guardianRelationTooLong: { ko: '관계는 20자 이하여야 합니다.', en: 'The relation must be at most 20 characters long.' },
  guardianPhoneRequired: { ko: '보호자의 휴대전화 번호를 입력해 주세요. 예: 010-1234-5678', en: "Please enter the guardian's mobile number, e.g. 010-1234-5678." },
  guardianLimit: { ko: '보호자는 최대 3명까지 등록할 수 있습니다. 다른 보호자를 먼저 삭제해 주세요.', en: 'You can have at most 3 guardians. Remove one first.' },
  guardianInvitesPerMember: (max: number): LocalizedText => ({
    ko: `보호자 초대 문자는 하루에 ${max}번까지만 보낼 수 있습니다. 내일 다시 시도해 주세요.`,
    en: `You can send at most ${max} guardian invitation${max === 1 ? '' : 's'} a day. Please try again tomorrow.`,
  }),
  guardianInvitesPerNumber: {
    ko: '이 번호에는 오늘 이미 보호자 초대 문자가 보내졌습니다. 내일 다시 시도해 주세요.',
    en: 'This number already received a guardian invitation today. Please try again tomorrow.',
  },
  guardianOwnPhone: { ko: '본인의 휴대전화 번호는 보호자 번호로 등록할 수 없습니다. 가족이나 믿을 수 있는 분의 번호를 입력해 주세요.', en: 'Your own number cannot be a guardian. Enter the number of a family member or someone you trust.' },
  guardianDuplicate: { ko: '이미 보호자로 등록된 번호입니다.', en: 'This number is already one of your guardians.' },
  guardianNotFound: { ko: '보호자를 찾을 수 없습니다.', en: 'Guardian not found.' },
  guardianNotYours: { ko: '본인이 등록한 보호자만 확인하거나 삭제할 수 있습니다.', en: 'You can only confirm or remove your own guardians.' },
  guardianNotConfirmed: {
    ko: '보호자가 인증번호로 동의를 마친 뒤에 결제 승인을 부탁할 수 있습니다.',
    en: 'You can ask a guardian to approve payments once they have confirmed with their code.',
  },
  guardianCodeExpired: {
    ko: '보호자 인증번호의 유효 시간(10분)이 지났습니다. 보호자를 삭제한 뒤 다시 등록해 새 인증번호를 받아 주세요.',
    en: "The guardian's code has expired (codes last 10 minutes). Remove the guardian and add them again to send a new code.",
  },
  guardianCodeLocked: {
    ko: '인증번호를 여러 번 틀려 이 초대를 사용할 수 없습니다. 보호자를 삭제한 뒤 다시 등록해 주세요.',
    en: 'The code was entered wrongly too many times. Remove the guardian and add them again.',
  },
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
  passwordUnchanged: { ko: '새 비밀번호가 지금 비밀번호와 같습니다. 다른 비밀번호를 정해 주세요.', en: 'The new password is the same as the current one. Please choose another one.' },
  currentPasswordWrong: { ko: '현재 비밀번호가 맞지 않습니다.', en: 'The current password is not correct.' },
  resetCodeInvalid: {
    ko: '재설정 코드가 맞지 않거나 만료되었습니다. 비밀번호 재설정을 다시 요청해 주세요.',
    en: 'The reset code is not valid or has expired. Please ask for a new password reset.',
  },
  resetCodeUsed: { ko: '이미 사용한 재설정 코드입니다. 비밀번호 재설정을 다시 요청해 주세요.', en: 'This reset code was already used. Please ask for a new password reset.' },
  resetCodeLocked: {
    ko: '재설정 코드를 여러 번 틀려 더 이상 쓸 수 없습니다. 비밀번호 재설정을 다시 요청해 주세요.',
    en: 'The reset code was entered wrongly too many times. Please ask for a new password reset.',
  },
  tooManyResetRequests: (retryAfterSeconds: number): LocalizedText => {
    const minutes = minutesUntilRetry(retryAfterSeconds);
    return {
      ko: `비밀번호 재설정을 너무 자주 요청했습니다. ${minutes}분 뒤에 다시 시도해 주세요.`,
      en: `Too many password reset requests. Please try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    };
  },
  twoFactorNeedsPhone: {
    ko: '2단계 인증을 켜려면 먼저 휴대전화 번호를 문자로 인증해 주세요.',
    en: 'To turn on two-step sign-in, first verify your mobile number by text message.',
  },
  adminNeedsTwoFactor: {
    ko: '관리자 계정은 2단계 인증을 끌 수 없습니다.',
    en: 'Administrator accounts cannot turn two-step sign-in off.',
  },
  adminWithoutPhone: {
    ko: '관리자 계정은 2단계 인증이 필요합니다. 휴대전화 번호를 인증한 뒤 다시 로그인해 주세요.',
    en: 'Administrator accounts need two-step sign-in. Verify your mobile number, then sign in again.',
  },
  useSignIn: {
    ko: '이 계정은 문자 인증번호로 한 번 더 확인해야 로그인할 수 있습니다. 앱을 최신 버전으로 업데이트해 주세요.',
    en: 'This account needs a text-message code to sign in. Please update the app (use signIn).',
  },
  signInChallengeNotFound: { ko: '로그인 확인 요청을 찾을 수 없습니다. 다시 로그인해 주세요.', en: 'This sign-in check was not found. Please sign in again.' },
  signInChallengeClosed: { ko: '이미 사용했거나 만료된 로그인 확인입니다. 다시 로그인해 주세요.', en: 'This sign-in check was already used or has expired. Please sign in again.' },
  signInCodeLocked: { ko: '인증번호를 여러 번 틀려 이 로그인 확인을 쓸 수 없습니다. 다시 로그인해 주세요.', en: 'The code was entered wrongly too many times. Please sign in again.' },
  phoneNeededForTwoFactor: {
    ko: '2단계 인증이 켜져 있어 휴대전화 번호를 지울 수 없습니다. 먼저 2단계 인증을 끄거나 새 번호를 인증해 주세요.',
    en: 'Two-step sign-in is on, so the mobile number cannot be removed. Turn two-step sign-in off first, or verify a new number.',
  },
  sessionNotFound: { ko: '로그인 기기를 찾을 수 없습니다.', en: 'This session was not found.' },
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
