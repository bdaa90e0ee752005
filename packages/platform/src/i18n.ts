import type { ApolloServerPlugin } from '@apollo/server';
import { AppError, type LocalizedText } from './errors.ts';
import { platformTexts } from './texts.ts';

export { catalogue, type Catalogue } from './catalogue.ts';

export type Locale = 'ko' | 'en';

/** Korean unless the client clearly prefers English (first language tag wins). */
export function localeFromHeader(acceptLanguage: string | undefined | null): Locale {
  if (!acceptLanguage) return 'ko';
  const first = acceptLanguage.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'ko';
}

export function pick(text: LocalizedText, locale: Locale): string {
  return text[locale];
}

/** Rewrites the message of every AppError to the request's language before errors are formatted. */
export function localizeErrorsPlugin<C extends { locale: Locale }>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          const locale = contextValue?.locale ?? 'ko';
          for (const error of errors) {
            const source = error.originalError instanceof AppError ? error.originalError : error instanceof AppError ? error : undefined;
            if (source?.localized) (error as { message: string }).message = source.localized[locale];
          }
        },
      };
    },
  };
}

/** A moment as people in Korea read it, e.g. "2026년 12월 1일 15:00" / "1 December 2026, 15:00 (Korea time)". */
export function formatMoment(at: Date): LocalizedText {
  const parts = { timeZone: 'Asia/Seoul', year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } as const;
  return {
    ko: new Intl.DateTimeFormat('ko-KR', parts).format(at),
    en: `${new Intl.DateTimeFormat('en-GB', parts).format(at)} (Korea time)`,
  };
}

/**
 * Refusals every service words the same way (packages/platform/src/messages.json). A service's
 * messages.ts spreads these and adds only its own, so one situation reads the same wherever it arises.
 */
export const commonMessages = platformTexts.common;

/** Whole minutes until a rate-limited person may try again, at least one ("try again in N minutes"). */
export function minutesUntilRetry(retryAfterSeconds: number): number {
  return Math.max(1, Math.ceil(retryAfterSeconds / 60));
}
