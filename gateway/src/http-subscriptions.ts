import type { RequestHandler } from 'express';
import { getOperationAST, parse, type DocumentNode } from 'graphql';
import { ErrorCode, localeFromHeader, pick } from '@anshim/platform';

const MESSAGE = {
  ko: '구독(subscription)은 /graphql 에 WebSocket(graphql-ws) 연결을 열어 요청해야 합니다. 같은 주소와 포트에서 graphql-ws 가 동작합니다.',
  en: 'Subscriptions need a WebSocket (graphql-ws) connection to /graphql: graphql-ws works on this same path and port.',
};

function parsedOrNull(query: string): DocumentNode | null {
  try {
    return parse(query);
  } catch {
    return null; // Apollo Server reports the syntax error itself
  }
}

function isSubscription(params: Record<string, unknown> | undefined): boolean {
  const query = params?.query;
  if (typeof query !== 'string' || !query.includes('subscription')) return false;
  const document = parsedOrNull(query);
  const operationName = typeof params?.operationName === 'string' ? params.operationName : undefined;
  return (document && getOperationAST(document, operationName))?.operation === 'subscription';
}

/**
 * @apollo/gateway answers a subscription sent over HTTP with a 500 and a stack trace; refuse it
 * with a 400 before execution (also inside a batch). Only documents that mention `subscription`
 * are parsed here.
 */
export const rejectHttpSubscriptions: RequestHandler = (req, res, next) => {
  const body = (req.method === 'GET' ? req.query : req.body) as unknown;
  const operations = (Array.isArray(body) ? body : [body]) as Array<Record<string, unknown> | undefined>;
  if (!operations.some(isSubscription)) return next();
  const message = pick(MESSAGE, localeFromHeader(req.headers['accept-language']));
  res.status(400).json({ errors: [{ message, extensions: { code: ErrorCode.BAD_REQUEST } }] });
};
