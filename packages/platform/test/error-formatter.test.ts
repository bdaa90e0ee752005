import { describe, expect, it } from 'vitest';
import { AppError, createErrorFormatter, ErrorCode } from '../src/errors.ts';

describe('the production error formatter', () => {
  const format = createErrorFormatter({ production: true });

  it('masks an unexpected error', () => {
    const formatted = format({ message: 'connect ECONNREFUSED 10.0.0.7:5432', extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] } }, new Error('boom'));
    expect(formatted).toEqual({ message: '일시적인 문제가 발생했습니다. 잠시 후 다시 시도해 주세요.', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } });
  });

  it('keeps the message and the retryable flag of a deliberate "try again shortly"', () => {
    const error = new AppError('지금은 로그인 상태를 확인할 수 없습니다. 잠시 후 다시 시도해 주세요.', ErrorCode.INTERNAL_SERVER_ERROR, { retryable: true });
    const formatted = format({ message: error.message, extensions: { ...error.extensions, stacktrace: ['at x'] } }, error);
    expect(formatted).toEqual({ message: error.message, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, retryable: true } });
  });
});
