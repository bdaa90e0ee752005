// Every sentence this service shows a person (besides the rules' own), in Korean (default) and
// English, in plain words: what happened and what to do next.
// The refusals every service shares (sign in first, administrators only, check your input)
// come from the platform's commonMessages.
import { commonMessages } from '@anshim/platform';

export const messages = {
  ...commonMessages,
  ownAlertsOnly: { ko: '자신의 위험 알림만 볼 수 있어요.', en: 'You can only see your own risk alerts.' },
  ownLevelOnly: { ko: '위험 수준은 본인과 관리자만 볼 수 있어요.', en: 'Only the user themself and administrators can see a risk level.' },
  alertNotFound: { ko: '알림을 찾을 수 없어요.', en: 'We could not find that alert.' },
  badAuditCursor: {
    ko: '이어서 볼 위치가 올바르지 않아요. 기록을 처음부터 다시 불러 주세요.',
    en: 'The place to continue from is not valid. Please load the log again from the start.',
  },
  badId: { ko: '잘못된 ID예요.', en: 'That id is not valid.' },
  recordActivityAdminOnly: {
    ko: '활동 기록은 관리자와 연동된 서비스만 할 수 있어요. 채팅·로그인·판매글은 안심이 직접 확인해요.',
    en: 'Only administrators and trusted integrations can record activity. Anshim observes chats, sign-ins and listings itself.',
  },
  subjectNotFound: { ko: '그런 회원을 찾을 수 없어요.', en: 'We could not find that member.' },
  ownerUnavailable: {
    ko: '지금은 회원 정보를 확인할 수 없어요. 아무것도 기록하지 않았어요. 잠시 후 다시 시도해 주세요.',
    en: 'We cannot check that member right now. Nothing was recorded. Please try again shortly.',
  },
  selfCounterpart: { ko: '대화 상대로 자기 자신을 지정할 수 없어요.', en: 'You cannot name yourself as the other party.' },
  reasonRequired: { ko: '조치 사유를 적어 주세요.', en: 'Please give a reason for the action.' },
  textTooLong: { ko: '내용이 너무 길어요(최대 5,000자).', en: 'The text is too long (5,000 characters at most).' },
  badAmount: { ko: '금액은 0 이상이어야 해요.', en: 'The amount must be 0 or more.' },
  firstRange: { ko: 'first는 1에서 100 사이여야 해요.', en: 'first must be between 1 and 100.' },
} as const;
