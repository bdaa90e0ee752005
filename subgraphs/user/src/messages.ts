// Every sentence this service shows a person, in Korean (default) and English, in one place so
// wording stays plain and consistent. Written for people who are not technical: say what
// happened and what to do next.
import type { LocalizedText } from '@anshim/platform';

const SEOUL = 'Asia/Seoul';

/** A moment as people in Korea read it, e.g. "2026년 12월 1일 15:00" / "1 December 2026, 15:00 (Korea time)". */
export function formatMoment(at: Date): LocalizedText {
  const parts = { timeZone: SEOUL, year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } as const;
  return {
    ko: new Intl.DateTimeFormat('ko-KR', parts).format(at),
    en: `${new Intl.DateTimeFormat('en-GB', parts).format(at)} (Korea time)`,
  };
}

export const messages = {
  invalidInput: { ko: '입력한 내용을 다시 확인해 주세요.', en: 'Please check what you entered.' },
  emailInvalid: { ko: '이메일 주소 형식이 올바르지 않습니다. 예: name@example.com', en: 'That email address does not look right. Example: name@example.com' },
  passwordTooShort: { ko: '비밀번호는 10자 이상이어야 합니다.', en: 'The password must be at least 10 characters long.' },
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
  untilRequired: { ko: '정지 기간이 끝나는 날짜를 입력해 주세요.', en: 'Please give the date the suspension ends.' },
  untilInPast: { ko: '정지 종료 시각은 지금보다 뒤여야 합니다.', en: 'The end of the suspension must be in the future.' },

  emailTaken: { ko: '이미 가입된 이메일입니다. 로그인하거나 다른 이메일을 사용해 주세요.', en: 'This email is already registered. Sign in, or use another email.' },
  phoneTaken: { ko: '이미 다른 계정에 등록된 휴대전화 번호입니다.', en: 'This mobile number is already used by another account.' },

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
  signInFirst: { ko: '로그인이 필요합니다.', en: 'Please sign in first.' },
  adminOnly: { ko: '관리자만 할 수 있는 작업입니다.', en: 'Only an administrator can do this.' },
  ownProfileOnly: { ko: '본인의 프로필만 바꿀 수 있습니다.', en: 'You can only change your own profile.' },
  userNotFound: { ko: '사용자를 찾을 수 없습니다.', en: 'User not found.' },

  methodNotAvailable: (method: 'ID_CARD' | 'OAUTH'): LocalizedText =>
    method === 'ID_CARD'
      ? { ko: '신분증 인증은 아직 준비 중입니다. 지금은 이메일 또는 휴대전화 문자 인증을 이용해 주세요.', en: 'ID card verification is not available yet. Please verify by email or text message (SMS) for now.' }
      : { ko: '소셜 계정(OAuth) 인증은 아직 준비 중입니다. 지금은 이메일 또는 휴대전화 문자 인증을 이용해 주세요.', en: 'Social account (OAuth) verification is not available yet. Please verify by email or text message (SMS) for now.' },
  phoneMissing: { ko: '문자 인증을 하려면 먼저 프로필에 휴대전화 번호를 등록해 주세요.', en: 'To verify by text message, first add your mobile number to your profile.' },
  alreadyVerified: { ko: '이미 인증을 마쳤습니다.', en: 'This is already verified.' },
  tooManyCodeRequests: (retryAfterSeconds: number): LocalizedText => {
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
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
} as const;

/** The text of a verification code message (SMS or email body). */
export function codeMessage(code: string): { subject: string; text: string } {
  return {
    subject: '[안심] 인증번호 / Verification code',
    text: `[안심] 인증번호는 ${code} 입니다. 10분 안에 입력해 주세요. 누구에게도 알려주지 마세요.\n[Anshim] Your code is ${code}. It works for 10 minutes. Never share it with anyone.`,
  };
}
