import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { platformTexts } from './texts.ts';

/** The codes of the public contract; every error a client sees carries one of them. */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  BAD_REQUEST: 'BAD_REQUEST',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** A safety check (sign-in back-off, a sensitive rate limit) cannot be made right now, so the request is refused rather than let through; retry shortly. */
  TEMPORARILY_UNAVAILABLE: 'TEMPORARILY_UNAVAILABLE',
  /** The gateway could not reach the subgraph owning these fields; the rest of the answer is complete. */
  SUBGRAPH_UNAVAILABLE: 'SUBGRAPH_UNAVAILABLE',
  /** A gateway process serves WS_SUBSCRIPTION_CAPACITY subscriptions already: subscribe again on a new connection shortly (subscriptions open elsewhere are kept). */
  SUBSCRIPTION_CAPACITY: 'SUBSCRIPTION_CAPACITY',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Text a person reads: Korean by default, English for `Accept-Language: en`. */
export interface LocalizedText {
  ko: string;
  en: string;
}
export type Text = string | LocalizedText;

export class AppError extends GraphQLError {
  /** Both languages; the server plugin picks one per request (see i18n.ts). */
  readonly localized: LocalizedText | undefined;
  constructor(message: Text, code: ErrorCode, extensions: Record<string, unknown> = {}) {
    super(typeof message === 'string' ? message : message.ko, { extensions: { ...extensions, code } });
    this.localized = typeof message === 'string' ? undefined : message;
    this.name = new.target.name;
  }
}

type Extensions = Record<string, unknown>;
type CodedErrorClass = new (message: Text, extensions?: Extensions) => AppError;
type DefaultedErrorClass = new (message?: Text, extensions?: Extensions) => AppError;

/**
 * The base of an error that only fixes its code; with `fallback`, the message may be left out
 * (e.g. `new NotFoundError()` reads "찾을 수 없습니다." / "Not found.").
 */
function codedError(code: ErrorCode): CodedErrorClass;
function codedError(code: ErrorCode, fallback: LocalizedText): DefaultedErrorClass;
function codedError(code: ErrorCode, fallback?: LocalizedText): DefaultedErrorClass {
  return class extends AppError {
    constructor(message: Text | undefined = fallback, extensions?: Extensions) {
      super(message ?? '', code, extensions);
    }
  };
}

export class UnauthenticatedError extends codedError(ErrorCode.UNAUTHENTICATED, platformTexts.common.signInFirst) {}
export class ForbiddenError extends codedError(ErrorCode.FORBIDDEN, platformTexts.errors.notAllowed) {}
export class BadInputError extends codedError(ErrorCode.BAD_USER_INPUT) {}
export class NotFoundError extends codedError(ErrorCode.NOT_FOUND, platformTexts.errors.notFound) {}
export class ConflictError extends codedError(ErrorCode.CONFLICT) {}
export class RateLimitedError extends AppError {
  constructor(message: Text, retryAfterSeconds: number, extensions?: Record<string, unknown>) {
    super(message, ErrorCode.RATE_LIMITED, { ...extensions, retryAfter: retryAfterSeconds });
  }
}
/** Refused because a check it must pass cannot run (its store is unreachable): fail closed, retryable. */
export class TemporarilyUnavailableError extends AppError {
  constructor(message: Text, extensions?: Record<string, unknown>) {
    super(message, ErrorCode.TEMPORARILY_UNAVAILABLE, { retryable: true, ...extensions });
  }
}

/** Field errors of a zod validation, as one BAD_USER_INPUT error listing every problem. */
export function badInputFromIssues(
  message: Text,
  issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>,
): BadInputError {
  return new BadInputError(message, {
    fields: issues.map((i) => ({ field: i.path.map(String).join('.'), message: i.message })),
  });
}

const PRISMA_CODES: Record<string, (meta: Record<string, unknown> | undefined) => AppError> = {
  P2002: (meta) => new ConflictError(platformTexts.errors.exists, { target: meta?.target }),
  P2003: () => new NotFoundError(platformTexts.errors.linkedNotFound),
  P2025: () => new NotFoundError(),
};

/** Translates Prisma's known request errors at the repository boundary; anything else is rethrown. */
export function translatePrismaError(error: unknown): never {
  const known = error as { code?: string; meta?: Record<string, unknown>; name?: string };
  if (known && typeof known.code === 'string' && known.code in PRISMA_CODES) {
    throw PRISMA_CODES[known.code]!(known.meta);
  }
  throw error;
}

export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === 'P2002';
}

const CLIENT_CODES = new Set<string>(Object.values(ErrorCode));
const GRAPHQL_REQUEST_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * Apollo's formatError: errors we raised on purpose pass through; anything else becomes
 * INTERNAL_SERVER_ERROR. In production internal errors get a generic message and no error
 * carries a stack trace; outside production stacks stay for debugging.
 */
export function createErrorFormatter(options: { production: boolean; onInternal?: (error: unknown) => void }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code as string | undefined;
    const intended = code !== undefined && (CLIENT_CODES.has(code) || GRAPHQL_REQUEST_CODES.has(code)) && code !== 'INTERNAL_SERVER_ERROR';
    if (intended) {
      if (!options.production) return formatted;
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    options.onInternal?.(error);
    // A deliberate "temporarily unavailable" (an outage the service noticed and explained) keeps
    // its message and its retryable flag: clients should retry it, not report a bug.
    if (options.production && code === ErrorCode.INTERNAL_SERVER_ERROR && formatted.extensions?.retryable === true) {
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code, retryable: true } };
    }
    if (options.production) {
      return {
        message: '일시적인 문제가 발생했습니다. 잠시 후 다시 시도해 주세요.',
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
      };
    }
    return { ...formatted, extensions: { ...formatted.extensions, code: ErrorCode.INTERNAL_SERVER_ERROR } };
  };
}
