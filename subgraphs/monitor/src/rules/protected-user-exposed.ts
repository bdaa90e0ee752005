import { gradeRank } from '../model.ts';
import type { Rule } from './types.ts';

/**
 * A protected-mode user (often elderly or a first-time user) is dealing with someone below the
 * minimum grade they chose (NORMAL when they chose none). Unknown grades never match.
 */
export const PROTECTED_USER_EXPOSED: Rule = {
  code: 'PROTECTED_USER_EXPOSED',
  level: 'MEDIUM',
  message: {
    ko: '보호 모드를 켠 분이 설정한 기준보다 안전 등급이 낮은 사람과 거래하려고 해요. 보호자와 상의한 뒤 거래하세요.',
    en: 'Someone in protected mode is dealing with a person whose safety grade is below their chosen minimum. Talk to a guardian before trading.',
  },
  signalHours: 24,
  recipients: 'counterpart',
  matches: ({ activity, counterpart, subjectGrade }) =>
    Boolean(activity.counterpartId) &&
    counterpart?.protectedMode === true &&
    subjectGrade != null &&
    gradeRank(subjectGrade) < gradeRank(counterpart.minCounterpartGrade ?? 'NORMAL'),
};
