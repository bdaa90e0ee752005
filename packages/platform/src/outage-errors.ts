import type { ApolloServerPlugin } from '@apollo/server';
import { AppError, ErrorCode } from './errors.ts';
import type { Locale } from './i18n.ts';
import { isDependencyFailure } from './events/queue-breaker.ts';
import { platformTexts } from './texts.ts';

/**
 * A resolver that failed because PostgreSQL (or another store) is unreachable answers as every
 * deliberate "try again shortly" does (INTERNAL_SERVER_ERROR marked `retryable`, in the member's
 * language; the formatter keeps both in production) — not with the driver's text ("Can't reach
 * database server at 127.0.0.1:5432"), which tells a client nothing it can act on, and outside
 * production tells a stranger where our database lives. The soak's PostgreSQL restart showed it.
 * Nothing was written: the statement that failed never reached the database, and a transaction that
 * lost its connection is rolled back by PostgreSQL.
 */
export function outageErrorsPlugin<C extends { locale?: Locale }>(onOutage?: (error: unknown) => void): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            const cause = error.originalError;
            if (!cause || cause instanceof AppError || !isDependencyFailure(cause)) continue;
            onOutage?.(cause);
            const text = platformTexts.errors.storeUnavailable;
            (error as { message: string }).message = text[contextValue?.locale ?? 'ko'];
            const extensions = error.extensions as Record<string, unknown>;
            extensions.code = ErrorCode.INTERNAL_SERVER_ERROR;
            extensions.retryable = true;
          }
        },
      };
    },
  };
}
