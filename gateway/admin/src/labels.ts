// Words for the API's enums and values, in the current language. Every coloured badge carries one
// of these (and a shape), so no state is told by colour alone.
import { locale } from './i18n.ts';

type Labels = Record<string, readonly [ko: string, en: string]>;

const PRIORITY: Labels = { URGENT: ['긴급', 'Urgent'], HIGH: ['높음', 'High'], NORMAL: ['보통', 'Normal'] };
const REPORT_STATUS: Labels = {
  RECEIVED: ['접수됨', 'Received'],
  IN_REVIEW: ['검토 중', 'In review'],
  ACTION_TAKEN: ['조치 완료', 'Action taken'],
  DISMISSED: ['기각', 'Dismissed'],
};
const REPORT_TYPE: Labels = {
  FRAUD: ['사기', 'Fraud'],
  NO_SHOW: ['노쇼', 'No-show'],
  COUNTERFEIT: ['가품', 'Counterfeit'],
  ABUSIVE_LANGUAGE: ['욕설', 'Abusive language'],
  HARASSMENT: ['괴롭힘', 'Harassment'],
  OFF_PLATFORM_PAYMENT: ['외부 결제 유도', 'Off-platform payment'],
  OTHER: ['기타', 'Other'],
};
const ORIGIN: Labels = { MEMBER: ['회원 신고', 'Filed by a member'], PAYMENT_DISPUTE: ['안전결제 분쟁', 'Safe-payment dispute'] };
const SANCTION: Labels = { WARNING: ['경고', 'Warning'], SUSPENSION: ['이용 정지', 'Suspension'], BAN: ['영구 정지', 'Ban'] };
const ACCOUNT_STATUS: Labels = { ACTIVE: ['정상', 'Active'], SUSPENDED: ['정지', 'Suspended'], BANNED: ['영구 정지', 'Banned'] };
const RISK_LEVEL: Labels = { NONE: ['없음', 'None'], LOW: ['낮음', 'Low'], MEDIUM: ['중간', 'Medium'], HIGH: ['높음', 'High'], CRITICAL: ['심각', 'Critical'] };
const GRADE: Labels = { VERY_SAFE: ['매우 안전', 'Very safe'], SAFE: ['안전', 'Safe'], NORMAL: ['보통', 'Normal'], CAUTION: ['주의', 'Caution'], DANGER: ['위험', 'Danger'] };
const TRADE_STATUS: Labels = {
  REQUESTED: ['요청됨', 'Requested'],
  ACCEPTED: ['수락됨', 'Accepted'],
  COMPLETED: ['완료', 'Completed'],
  CANCELLED: ['취소', 'Cancelled'],
  DISPUTED: ['분쟁', 'Disputed'],
};

export const REPORT_STATUSES = ['RECEIVED', 'IN_REVIEW', 'ACTION_TAKEN', 'DISMISSED'] as const;
export const REPORT_TYPES = Object.keys(REPORT_TYPE);

const pick = (labels: Labels) => (value: string | null | undefined): string => {
  if (!value) return '—';
  const entry = labels[value];
  return entry ? entry[locale() === 'en' ? 1 : 0] : value;
};

export const priorityLabel = pick(PRIORITY);
export const reportStatusLabel = pick(REPORT_STATUS);
export const reportTypeLabel = pick(REPORT_TYPE);
export const originLabel = pick(ORIGIN);
export const sanctionLabel = pick(SANCTION);
export const accountStatusLabel = pick(ACCOUNT_STATUS);
export const riskLevelLabel = pick(RISK_LEVEL);
export const gradeLabel = pick(GRADE);
export const tradeStatusLabel = pick(TRADE_STATUS);

const tag = () => (locale() === 'en' ? 'en-US' : 'ko-KR');

export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(tag(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** "3시간 전" / "3 hours ago": how long a report has waited. */
export function formatAge(iso: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const format = new Intl.RelativeTimeFormat(tag(), { numeric: 'auto' });
  const steps: Array<[Intl.RelativeTimeFormatUnit, number]> = [['day', 86_400], ['hour', 3_600], ['minute', 60]];
  for (const [unit, size] of steps) if (Math.abs(seconds) >= size) return format.format(Math.trunc(seconds / size), unit);
  return format.format(seconds, 'second');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function formatWon(amount: number): string {
  return new Intl.NumberFormat(tag(), { style: 'currency', currency: 'KRW' }).format(amount);
}
