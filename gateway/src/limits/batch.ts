import type { RequestHandler } from 'express';
import { ErrorCode, localeFromHeader, pick } from '@anshim/platform';
import { messages } from './messages.ts';

/**
 * A JSON array body is a batch of operations (Apollo runs them one by one); more than `max` in
 * one request is refused with 400 before any runs. Each operation still counts against the rate
 * limits on its own.
 */
export function limitBatchSize(max: number): RequestHandler {
  return (req, res, next) => {
    if (!Array.isArray(req.body) || req.body.length <= max) return next();
    const message = pick(messages.batchTooLarge(max), localeFromHeader(req.headers['accept-language']));
    res.status(400).json({ errors: [{ message, extensions: { code: ErrorCode.BAD_REQUEST, limit: 'BATCH', max, actual: req.body.length } }] });
  };
}
