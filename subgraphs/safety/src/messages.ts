// Every sentence this service shows a person besides the score model's own factor descriptions and
// the grade looks (score/safety-display.ts keeps each grade's label and advice beside its colour and
// icon), in Korean (default) and English: badges, listing hints, why a score moved, what others see
// in place of a private reason, and the refusals.
// The refusals every service shares (sign in first, administrators only, check your input)
// come from the platform's commonMessages.
import { catalogue, commonMessages, type LocalizedText } from '@anshim/platform';
import data from './messages.json' with { type: 'json' };
import type { BadgeCode, HintCode } from './model.ts';

/** The fixed sentences, as data (messages.json: translators edit it, not code); checked when the service loads. */
const texts = catalogue(data, 'subgraphs/safety/src/messages.json');

// In messages.json: firstScore and recalculated are the history reasons that are not a factor's own
// description; underReview is what anyone but the member and ADMINs reads in place of a private
// factor or history reason. HINT_TEXT.MEET_AT_SAFE_ZONE names the safe-trade zones police stations
// and community centres run (safeTradeZones): few people know them.

export const messages = {
  ...commonMessages,
  ...texts.messages,
} as const satisfies Record<string, LocalizedText>;

/** The history reason when the factor that moved most went away. */
export function noLongerCounts(description: LocalizedText): LocalizedText {
  return { ko: `더 이상 반영되지 않습니다: ${description.ko}`, en: `No longer counts: ${description.en}` };
}

export const BADGE_TEXT: Record<BadgeCode, LocalizedText> = texts.BADGE_TEXT;

export const HINT_TEXT: Record<HintCode, LocalizedText> = texts.HINT_TEXT;
