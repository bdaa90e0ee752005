// Safety grades as chat uses them (safety.score_changed; protected mode's minimum), apart from
// model.ts so messages.ts can name them without an import cycle (model.ts imports messages.ts).

/** Safety grades, safest first (safety.score_changed). */
export const SAFETY_GRADES = ['VERY_SAFE', 'SAFE', 'NORMAL', 'CAUTION', 'DANGER'] as const;
export type SafetyGrade = (typeof SAFETY_GRADES)[number];
/** ARCHITECTURE §1: a member safety has not scored yet counts as NORMAL. */
export const DEFAULT_GRADE: SafetyGrade = 'NORMAL';
/** A protected member who picked no minimum still wants protection (the user and transaction services' rule). */
export const DEFAULT_PROTECTED_MIN_GRADE: SafetyGrade = 'NORMAL';

/** Whether `grade` is `minimum` or safer. */
export function meetsMinimum(grade: SafetyGrade, minimum: SafetyGrade): boolean {
  return SAFETY_GRADES.indexOf(grade) <= SAFETY_GRADES.indexOf(minimum);
}
