// The words of the case view's further evidence (the target's trades, the alerts about them, the
// linked conversation, the payment identifiers and the registry's answer), Korean first, English on
// the toggle; kept apart from i18n.ts like the other screens' lists. Same rules: {name} placeholders.
import { locale } from './i18n.ts';

const ko = {
  // Trades
  tradesTitle: '대상 회원의 거래',
  tradesCaption: '최근 거래 {count}건 (최신순)',
  noTrades: '거래 내역이 없습니다.',
  colProduct: '상품',
  colCounterpart: '상대방',
  colRole: '역할',
  colState: '상태',
  colAmount: '금액',
  colStarted: '시작',
  colUpdated: '마지막 변경',
  roleSeller: '판매',
  roleBuyer: '구매',
  moreTrades: '거래 더 보기',
  tradesTable: '거래 목록',
  // Alerts
  alertsTitle: '대상 회원에 대한 위험 알림',
  noAlerts: '이 회원에 대한 위험 알림이 없습니다.',
  // Identifiers
  identifiersTitle: '신고에 적힌 결제 정보',
  identifiersIntro: '신고자가 적은 계좌번호·전화번호(가려서 표시)와 사기 계좌 등록부가 아는 내용입니다.',
  noIdentifiers: '이 신고에는 계좌번호나 전화번호가 없습니다.',
  identifiersCaption: '결제 정보 {count}건',
  colIdentifierType: '종류',
  colIdentifier: '번호',
  colVerdict: '등록부 판단',
  colConfirmed: '확인된 신고',
  colPending: '처리 중 신고',
  colLastReported: '마지막 신고',
  colAdvice: '안내 문구',
  BANK_ACCOUNT: '계좌',
  PHONE: '전화번호',
  NO_RECORD: '기록 없음',
  CAUTION: '주의',
  CONFIRMED_FRAUD: '사기 확인',
  // Conversation
  conversationTitle: '연결된 대화',
  conversationIntro: '신고자와 대상 회원의 대화를 열 수 있습니다. 여는 순간 감사 기록에 남습니다.',
  openConversation: '대화 열기 (감사 기록에 남음)',
  opening: '여는 중…',
  noConversation: '이 신고와 연결된 대화가 없습니다.',
  conversationHeading: '{product} — {buyer}(구매) · {seller}(판매)',
  conversationRecorded: '대화를 열었습니다. 이 열람은 감사 기록에 남습니다.',
  messagesCaption: '메시지 {count}개 (오래된 것부터)',
  olderNotShown: '더 오래된 메시지는 표시하지 않았습니다.',
  noMessages: '메시지가 없습니다.',
  masked: '가려짐',
  warningsLabel: '경고',
};

type Key = keyof typeof ko;

const en: Record<Key, string> = {
  tradesTitle: "The member's trades",
  tradesCaption: 'Latest {count} trades (newest first)',
  noTrades: 'No trades.',
  colProduct: 'Listing',
  colCounterpart: 'Counterpart',
  colRole: 'Role',
  colState: 'State',
  colAmount: 'Amount',
  colStarted: 'Started',
  colUpdated: 'Last change',
  roleSeller: 'Selling',
  roleBuyer: 'Buying',
  moreTrades: 'More trades',
  tradesTable: 'Trade list',
  alertsTitle: 'Risk alerts about the member',
  noAlerts: 'No risk alerts about this member.',
  identifiersTitle: 'Payment details named in the report',
  identifiersIntro: 'The bank accounts and phone numbers the reporter gave (masked), and what the fraud registry knows.',
  noIdentifiers: 'This report names no bank account or phone number.',
  identifiersCaption: '{count} payment details',
  colIdentifierType: 'Kind',
  colIdentifier: 'Number',
  colVerdict: 'Registry',
  colConfirmed: 'Confirmed reports',
  colPending: 'Pending reports',
  colLastReported: 'Last reported',
  colAdvice: 'Advice shown',
  BANK_ACCOUNT: 'Bank account',
  PHONE: 'Phone',
  NO_RECORD: 'No record',
  CAUTION: 'Caution',
  CONFIRMED_FRAUD: 'Confirmed fraud',
  conversationTitle: 'Linked conversation',
  conversationIntro: 'You may open the conversation between the reporter and the member. Opening it is recorded in the audit log.',
  openConversation: 'Open the conversation (recorded in the audit log)',
  opening: 'Opening…',
  noConversation: 'No conversation is linked to this report.',
  conversationHeading: '{product} — {buyer} (buying) · {seller} (selling)',
  conversationRecorded: 'The conversation is open. This read is recorded in the audit log.',
  messagesCaption: '{count} messages (oldest first)',
  olderNotShown: 'Older messages are not shown.',
  noMessages: 'No messages.',
  masked: 'masked',
  warningsLabel: 'Warnings',
};

/** The case evidence's message in the current language, placeholders filled in. */
export function ct(key: Key, params: Record<string, string | number> = {}): string {
  const text = (locale() === 'en' ? en : ko)[key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** A key of this list for an API value (identifier type, verdict); the value itself if unknown. */
export function ctValue(value: string): string {
  return value in ko ? ct(value as Key) : value;
}
