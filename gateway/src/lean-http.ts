// The lean path for the common client request (issue 23): POST /graphql with one JSON operation.
// On every such request express walked its router (a dozen layers matched by regular expression,
// its request/response prototypes swapped in), body-parser parsed the body (content-type, raw-body,
// iconv) and the Apollo integration copied it all into Apollo's shape: work in front of the query
// plan that answers nothing. This handler sits in front of the express app and does for those
// requests exactly what the express steps on that route do — the response counter, the request log
// and id, the early document check and its SHAPE_MEASURED flag, the context — then hands the body
// to Apollo Server itself (executeHTTPGraphQLRequest), so Apollo's pipeline is untouched: CSRF
// prevention, the limits plugin (depth, cost, aliases, rate limits), the gateway's plan, in-flight
// sharing, the entity cache, identity signing, error formatting and masking, localisation, metrics
// and logging plugins, the response headers. The answer is written as express's res.send writes it
// (Content-Length, the weak ETag express adds), so the bytes are the same either way
// (gateway/test/lean-http.integration.test.ts compares them).
//
// Everything else goes to express unchanged: other methods, paths (or a query string), content
// types or encodings, bodies over the limit. A request whose body was read here but is not the
// common case (a batch, not an object, a query naming `subscription`, a document the early check
// refuses) is handed to express with the parsed body (keepParsedBody: body-parser then skips the
// finished stream), and a body that is not JSON with its parse error, so express answers exactly
// as it did; those steps are pure, so running them again is harmless.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { keepParsedBody, type Logger } from '@anshim/platform';
import type { GatewayContext } from './context.ts';
import { SHAPE_MEASURED, type EarlyDocumentCheck } from './limits/early-check.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
/** The handler, and how many requests it answered itself (gateway_lean_http_requests_total). */
export type LeanHandler = Handler & { readonly answered: number };

/** Set on a request handed back with a body that did not parse: the express step after body-parser raises it. */
const BODY_ERROR = Symbol('anshim.leanBodyError');
type WithBodyError = IncomingMessage & { [BODY_ERROR]?: Error };

export interface LeanHttpOptions {
  apollo: ApolloServer<GatewayContext>;
  /** The route's body limit (express.json's `limit`, in bytes). */
  maxBodyBytes: number;
  earlyCheck: EarlyDocumentCheck;
  schemaOf: () => GraphQLSchema | undefined;
  /** What httpResponseCounter and requestLog do on the express path; `locals` stands for res.locals. */
  onRequest: (req: IncomingMessage, path: string, res: ServerResponse, locals: Record<string, unknown>) => void;
  context: (req: IncomingMessage, locals: Record<string, unknown>) => Promise<GatewayContext>;
  logger: Logger;
  /** express's ETag function (`app.get('etag fn')`), which its res.send applies to every answer. */
  etagOf: ((body: Buffer) => string | undefined) | undefined;
  /** The express app: everything else. */
  fallback: Handler;
}

/** POST /graphql with a JSON body of a known length within the limit: the only requests read here. */
function eligible(req: IncomingMessage, maxBodyBytes: number): boolean {
  if (req.method !== 'POST' || req.url !== '/graphql') return false;
  const type = req.headers['content-type']?.toLowerCase().replace(/\s+/g, '');
  if (type !== 'application/json' && type !== 'application/json;charset=utf-8') return false;
  const encoding = req.headers['content-encoding'];
  if ((encoding !== undefined && encoding.toLowerCase() !== 'identity') || req.headers['transfer-encoding'] !== undefined) return false;
  const length = Number(req.headers['content-length']);
  return Number.isInteger(length) && length > 0 && length <= maxBodyBytes;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once('error', reject);
    req.once('aborted', () => reject(new Error('request aborted')));
  });
}

/** body-parser's strict JSON (an object or array, after a UTF-8 BOM if any), or the error it would raise. */
function parseJson(raw: Buffer): { body: object } | { error: Error } {
  const text = raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf ? raw.toString('utf8', 3) : raw.toString('utf8');
  const first = /^[\x20\x09\x0a\x0d]*(.)/s.exec(text)?.[1];
  if (first !== '{' && first !== '[') return { error: Object.assign(new SyntaxError('not a JSON object or array'), { status: 400 }) };
  try {
    return { body: JSON.parse(text) as object };
  } catch (error) {
    return { error: Object.assign(error as Error, { status: 400 }) };
  }
}

/** The express step right after body-parser: a body the lean path could not parse fails here as it would have there. */
export function leanBodyError(req: IncomingMessage, _res: unknown, next: (error?: unknown) => void): void {
  next((req as WithBodyError)[BODY_ERROR]);
}

/**
 * As express 5's res.send(string) finishes a response: the Content-Type set again in its casing,
 * Content-Length, and the ETag of express's `etag fn` (a POST is never fresh: no 304 here).
 */
function sendLikeExpress(res: ServerResponse, text: string, etagOf: LeanHttpOptions['etagOf']): void {
  const type = res.getHeader('content-type');
  if (typeof type === 'string') res.setHeader('Content-Type', type);
  else res.setHeader('Content-Type', 'text/html; charset=utf-8');
  const bytes = Buffer.from(text, 'utf8');
  res.setHeader('Content-Length', bytes.length);
  const tag = etagOf?.(bytes);
  if (tag) res.setHeader('ETag', tag);
  res.end(bytes);
}

/** A node request handler: the lean path for the common /graphql POST, the express app for everything else. */
export function leanGraphqlHttp(options: LeanHttpOptions): LeanHandler {
  const { apollo, earlyCheck } = options;
  let answered = 0;

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const parsed = parseJson(raw);
    if ('error' in parsed) {
      keepParsedBody(req, raw, undefined);
      (req as WithBodyError)[BODY_ERROR] = parsed.error;
      return options.fallback(req, res);
    }
    const { body } = parsed;
    const handBack = () => {
      keepParsedBody(req, raw, body);
      options.fallback(req, res);
    };
    // Batches (limitBatchSize) and anything that might be a subscription (rejectHttpSubscriptions) are express's.
    if (Array.isArray(body)) return handBack();
    const query = (body as { query?: unknown }).query;
    if (typeof query !== 'string' || query.includes('subscription')) return handBack();
    const measured = earlyCheck.measureBody(options.schemaOf, body);
    if (measured.refused) return handBack();

    answered += 1;
    const locals: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    options.onRequest(req, '/graphql', res, locals);
    if (measured.measuredAll) locals[SHAPE_MEASURED] = true;
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers, search: '', body },
      context: () => options.context(req, locals),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status || 200;
    if (response.body.kind === 'complete') return sendLikeExpress(res, response.body.string, options.etagOf);
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (!eligible(req, options.maxBodyBytes)) return options.fallback(req, res);
    answer(req, res).catch((error: unknown) => {
      options.logger.error({ err: error }, 'the lean /graphql path failed');
      if (!res.headersSent && !res.destroyed) {
        res.statusCode = 500;
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        sendLikeExpress(res, JSON.stringify({ errors: [{ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }), options.etagOf);
      } else res.destroy();
    });
  };
  return Object.defineProperty(handler, 'answered', { get: () => answered }) as LeanHandler;
}
