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
 * The same for a Prisma transaction that ran past its time or could not start in time (P2028: the
 * service is overloaded; it rolled back, nothing was committed): the seed met it at load ~20 as
 * "Transaction API error: A commit cannot be executed on an expired transaction", which told the
 * member nothing and was not marked retryable.
 */
export function outageErrorsPlugin<C extends { locale?: Locale }>(onOutage?: (error: unknown) => void): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            const cause = error.originalError;
            if (!cause || cause instanceof AppError || !(isDependencyFailure(cause) || isTransactionTimeout(cause))) continue;
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

/** Prisma's P2028 (a transaction expired or could not start in time), also as the cause of another error. */
export function isTransactionTimeout(error: unknown, depth = 0): boolean {
  if (depth > 5 || error === null || typeof error !== 'object') return false;
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  return code === 'P2028' || isTransactionTimeout(cause, depth + 1);
}
