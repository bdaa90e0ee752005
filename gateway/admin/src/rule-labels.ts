// Plain names for the monitor's rule codes (subgraphs/monitor/src/rules), shown beside the code so
// a moderator reads what was seen without knowing the code; an unknown code is shown as it is.
import { locale } from './i18n.ts';

const RULES: Record<string, readonly [ko: string, en: string]> = {
  BEHAVIOUR_CHANGE: ['갑작스러운 행동 변화', 'Sudden change of behaviour'],
  COUNTERPART_BANNED: ['영구 정지된 회원과 거래', 'Dealt with a banned member'],
  COUNTERPART_SUSPENDED: ['정지된 회원과 거래', 'Dealt with a suspended member'],
  KNOWN_FRAUD_ACCOUNT: ['사기 신고된 계좌', 'Account reported for fraud'],
  LINKED_TO_CONFIRMED_FRAUD: ['확인된 사기와 연결됨', 'Linked to confirmed fraud'],
  LISTING_BURST: ['단시간 대량 등록', 'Many listings in a short time'],
  NEW_ACCOUNT_HIGH_VALUE: ['신규 계정의 고가 상품', 'New account, high-value listing'],
  OFF_APP_AFTER_SAFE_PAYMENT: ['안전결제 뒤 외부 연락 유도', 'Off-app contact after a safe payment'],
  OFF_APP_CONTACT: ['외부 메신저 연락 유도', 'Off-app contact'],
  OFF_PLATFORM_PAYMENT_REQUEST: ['외부 계좌 입금 요구', 'Asked for payment off the platform'],
  PAYMENT_FAILURE_BURST: ['결제 실패 반복', 'Repeated payment failures'],
  PHISHING_LINK: ['피싱 의심 링크', 'Suspected phishing link'],
  PRICE_TOO_GOOD: ['시세보다 지나치게 싼 가격', 'Price too good to be true'],
  PROTECTED_USER_EXPOSED: ['보호 회원에게 접근', 'Approached a protected member'],
  REPEATED_DISPUTES: ['분쟁 반복', 'Repeated disputes'],
  REPORT_BURST: ['신고 집중', 'Burst of reports'],
  RETURNING_BANNED_MEMBER: ['정지 회원의 재가입 의심', 'Banned member returning'],
  SHARED_DEVICE: ['여러 계정이 쓰는 기기', 'Device shared by several accounts'],
};

export function ruleLabel(code: string): string {
  const entry = RULES[code];
  return entry ? entry[locale() === 'en' ? 1 : 0] : code;
}
