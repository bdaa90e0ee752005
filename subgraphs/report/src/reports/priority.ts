// How urgent a new report is, by rules in this one module (issue 5): URGENT for harassment and
// for any description that speaks of threats or violence; HIGH for money-and-goods fraud;
// NORMAL otherwise. Pure, so the rules are tested without a database.
import type { ReportPriority, ReportType } from '../model.ts';

const HIGH_TYPES: ReadonlySet<ReportType> = new Set(['FRAUD', 'COUNTERFEIT', 'OFF_PLATFORM_PAYMENT']);

/**
 * Words that signal a threat to someone's safety. Korean stems match inside inflected words
 * (죽이 matches 죽이겠다, 죽여 matches 죽여버린다); English words match whole, case-insensitively.
 */
export const THREAT_STEMS_KO = [
  '죽이', '죽여', '죽일', '죽인다', '죽을래', '살해', '칼로 찌', '찔러', '칼 들', '흉기', '때리', '때릴', '패버', '폭행', '협박',
  '찾아가겠', '찾아간다', '찾아갈 거', '집까지 찾아', '쫓아가', '쫓아간', '스토킹', '납치', '성폭', '불 지르', '불지르', '가만 안 둬', '가만두지 않',
];
/*
 * Left out on purpose, because trading talk uses them every day: 찾아가세요 ("come and pick it
 * up"), 집 앞 ("in front of my place" as a meeting spot), 칼로리 (calories).
 */
export const THREAT_WORDS_EN = ['kill', 'murder', 'stab', 'knife', 'beat you', 'hurt you', 'threaten', 'threatened', 'threat', 'stalk', 'stalking', 'kidnap', 'rape', 'shoot', 'gun', 'find you', 'burn your'];

const EN_PATTERN = new RegExp(`\\b(?:${THREAT_WORDS_EN.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+')).join('|')})\\b`, 'i');

/** Whether a description speaks of threats or violence (Korean or English). */
export function mentionsThreat(description: string): boolean {
  const text = description.normalize('NFC');
  const squeezed = text.replace(/\s+/g, ' ');
  if (THREAT_STEMS_KO.some((stem) => squeezed.includes(stem) || squeezed.replace(/ /g, '').includes(stem.replace(/ /g, '')))) return true;
  return EN_PATTERN.test(text);
}

export function priorityOf(type: ReportType, description: string): ReportPriority {
  if (type === 'HARASSMENT' || mentionsThreat(description)) return 'URGENT';
  if (HIGH_TYPES.has(type)) return 'HIGH';
  return 'NORMAL';
}
