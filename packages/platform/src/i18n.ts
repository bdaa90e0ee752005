import type { ApolloServerPlugin } from '@apollo/server';
import { AppError, type LocalizedText } from './errors.ts';

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
