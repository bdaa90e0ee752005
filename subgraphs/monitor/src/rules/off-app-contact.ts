// The chat service's screening saw a messenger id or an invitation to move the conversation off
// the app ("카톡 아이디", "오픈채팅", "텔레그램"). Not fraud by itself (people do share contacts),
// but off the app the platform can neither screen nor protect: MEDIUM, and the recipient is told.
import type { Rule } from './types.ts';

export const OFF_APP_CONTACT: Rule = {
  code: 'OFF_APP_CONTACT',
  level: 'MEDIUM',
  message: {
    ko: '상대방이 메신저(카톡·오픈채팅·텔레그램 등)로 옮겨서 대화하자고 했어요. 앱 밖에서는 사기를 막아 드릴 수 없으니 대화와 결제는 안심 안에서 하세요.',
    en: 'The other person asked to continue on a messenger (KakaoTalk, open chat, Telegram and the like). Outside the app we cannot protect you: keep the chat and the payment in Anshim.',
  },
  signalHours: 48,
  recipients: 'counterpart',
  matches: ({ activity, screeningFindings }) => activity.type === 'CHAT_MESSAGE' && (screeningFindings?.includes('OFF_APP_CONTACT') ?? false),
};
