// How a score is shown to people who are not experts: a label, a colour that always comes with
// an icon and words, badges, one or two sentences on what to do, and a sentence for screen
// readers. Korean by default, English for Accept-Language: en. Pure: no I/O.
import type { LocalizedText, Locale } from '@anshim/platform';
import { BADGE_TEXT, HINT_TEXT } from '../messages.ts';
import type { BadgeCode, HintCode, SafetyGrade } from '../model.ts';

export interface SafetyDisplay {
  grade: SafetyGrade;
  label: string;
  color: string;
  icon: string;
  badges: string[];
  message: string;
  accessibleText: string;
  hints: string[];
}

interface GradeLook {
  label: LocalizedText;
  /** Dark enough for white text (WCAG AA); never the only signal. */
  color: string;
  /** Material Symbols name. */
  icon: string;
  message: LocalizedText;
}

export const GRADE_LOOK: Record<SafetyGrade, GradeLook> = {
  VERY_SAFE: {
    label: { ko: '매우 안전', en: 'Very safe' },
    color: '#1B5E20',
    icon: 'verified_user',
    message: {
      ko: '오랫동안 믿을 수 있게 거래해 온 회원입니다. 그래도 물건을 확인한 뒤 결제하세요.',
      en: 'A member with a long record of trustworthy trades. Still, check the item before you pay.',
    },
  },
  SAFE: {
    label: { ko: '안전', en: 'Safe' },
    color: '#2E7D32',
    icon: 'check_circle',
    message: {
      ko: '인증과 거래 기록이 좋은 회원입니다. 평소처럼 물건을 확인하고 거래하세요.',
      en: 'Verified, with a good trading record. As always, check the item when you trade.',
    },
  },
  NORMAL: {
    label: { ko: '보통', en: 'Normal' },
    color: '#455A64',
    icon: 'info',
    message: {
      ko: '아직 거래 기록이 많지 않은 회원입니다. 사람이 많은 곳에서 만나 물건을 확인하세요.',
      en: 'This member has little trading history yet. Meet in a busy public place and check the item.',
    },
  },
  CAUTION: {
    label: { ko: '주의', en: 'Caution' },
    color: '#B45309',
    icon: 'warning',
    message: {
      ko: '직접 만나서 물건을 확인한 뒤 결제하세요. 돈을 먼저 보내지 마세요.',
      en: 'Meet in person and check the item before you pay. Do not send money first.',
    },
  },
  DANGER: {
    label: { ko: '위험', en: 'Danger' },
    color: '#B71C1C',
    icon: 'dangerous',
    message: {
      ko: '이 회원과는 거래하지 않는 것이 좋습니다. 절대 돈을 먼저 보내지 말고, 이상하면 신고해 주세요.',
      en: 'We advise against trading with this member. Never send money first, and report anything suspicious.',
    },
  },
};

export interface DisplayInput {
  value: number;
  grade: SafetyGrade;
  badges: readonly string[];
  hints?: readonly HintCode[];
}

const formatScore = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));

/** The display of a score in one language. Unknown badge codes are skipped (an older rule set). */
export function buildDisplay(input: DisplayInput, locale: Locale): SafetyDisplay {
  const look = GRADE_LOOK[input.grade];
  const badges = input.badges.flatMap((code) => (code in BADGE_TEXT ? [BADGE_TEXT[code as BadgeCode][locale]] : []));
  const hints = (input.hints ?? []).map((code) => HINT_TEXT[code][locale]);
  const label = look.label[locale];
  const score = formatScore(input.value);
  const parts =
    locale === 'ko'
      ? [`안전 등급 ${label}, 100점 만점에 ${score}점.`, badges.length ? `배지: ${badges.join(', ')}.` : '', look.message.ko, ...hints]
      : [`Safety grade: ${label}, ${score} out of 100.`, badges.length ? `Badges: ${badges.join(', ')}.` : '', look.message.en, ...hints];
  return {
    grade: input.grade,
    label,
    color: look.color,
    icon: look.icon,
    badges,
    message: look.message[locale],
    accessibleText: parts.filter(Boolean).join(' '),
    hints,
  };
}
