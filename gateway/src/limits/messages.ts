import type { LocalizedText } from '@anshim/platform';

export type ComplexityLimit = 'DEPTH' | 'COST' | 'ALIASES' | 'ROOT_FIELDS';

/** What a person reads when a request is refused by a limit (Korean by default). */
export const messages = {
  tooComplex: (limit: ComplexityLimit, max: number, actual: number): LocalizedText => {
    const what: Record<ComplexityLimit, LocalizedText> = {
      DEPTH: { ko: `요청이 너무 깊게 중첩되어 있습니다(${actual}단계, 최대 ${max}단계).`, en: `The request is nested too deeply (${actual} levels, at most ${max}).` },
      COST: {
        ko: `한 번에 너무 많은 데이터를 요청했습니다(비용 ${actual}, 최대 ${max}). first 값을 줄이거나 목록 중첩을 줄여 주세요.`,
        en: `The request asks for too much at once (cost ${actual}, at most ${max}). Ask for fewer items (first) or fewer nested lists.`,
      },
      ALIASES: { ko: `별칭(alias)을 너무 많이 사용했습니다(${actual}개, 최대 ${max}개).`, en: `The request uses too many aliases (${actual}, at most ${max}).` },
      ROOT_FIELDS: { ko: `한 요청에 최상위 필드가 너무 많습니다(${actual}개, 최대 ${max}개).`, en: `The request has too many top-level fields (${actual}, at most ${max}).` },
    };
    return what[limit];
  },
  rateLimited: (retryAfterSeconds: number): LocalizedText => ({
    ko: `요청이 너무 많습니다. ${retryAfterSeconds}초 후에 다시 시도해 주세요.`,
    en: `Too many requests. Please try again in ${retryAfterSeconds} seconds.`,
  }),
  limiterUnavailable: {
    ko: '지금은 이 요청을 안전하게 처리할 수 없습니다. 잠시 후 다시 시도해 주세요.',
    en: 'This request cannot be handled safely right now. Please try again in a moment.',
  } satisfies LocalizedText,
  tooManyTokens: (max: number): LocalizedText => ({
    ko: `요청 문서가 너무 큽니다(토큰 최대 ${max}개).`,
    en: `The request document is too large (at most ${max} tokens).`,
  }),
  batchTooLarge: (max: number): LocalizedText => ({
    ko: `한 번에 보낼 수 있는 작업은 최대 ${max}개입니다.`,
    en: `A batch may hold at most ${max} operations.`,
  }),
};
