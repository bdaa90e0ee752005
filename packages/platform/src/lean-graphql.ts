// The lean path for the gateway's signed GraphQL POSTs (issue 23 §2). What a subgraph spends per
// request outside its resolvers was express routing, body parsing, content negotiation and Apollo
// Server's request pipeline (a SHA-256 of the query, a plugin round per hook, the document LRU).
// The gateway's requests are all alike — POST /graphql, JSON, one operation, signed — so this
// answers them straight from node's request: the same signature check (gateway-only.ts), a cache of
// parsed and validated documents keyed by the query text, graphql-js `execute` with the context the
// subgraph builds, and the same error formatting and request plugins Apollo runs (outage, localize,
// metrics: their requestDidStart, didEncounterErrors and willSendResponse hooks, the only ones they
// have). The answer is what Apollo would send: `{errors,data,extensions}` in that order, a newline,
// `application/json; charset=utf-8`.
//
// Anything else goes to express and Apollo unchanged: other methods and paths, other content or
// accept types, compressed or chunked or oversized bodies, batches, introspection, persisted
// queries, documents that do not parse or validate (never cached), an operation that cannot be
// chosen or is a subscription, a context that cannot be built, variables that do not coerce.
// A request handed over after its body was read carries the parsed body and its bytes
// (keepParsedBody), so express skips parsing and checks the signature over the same bytes. Apollo
// then answers it exactly as it always did (those paths never execute anything, so running them
// again is safe: at most the context is built twice for a request that fails to build one).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type * as GraphQL from 'graphql';
import type { DocumentNode, GraphQLFormattedError, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import type { Logger } from './logger.ts';
import { BoundedMap } from './bounded-map.ts';
import { NO_CLIENT } from './client-info.ts';
import { bodySha256, verifyIdentityHeaders } from './identity.ts';
import { keepParsedBody, refusalBody, UNSIGNED_REFUSED_LOG, type Verified } from './gateway-only.ts';

// The graphql instance @apollo/subgraph built the schema with and Apollo Server uses: node resolves
// `graphql` to its CommonJS build, while vitest's resolver would give our sources the .mjs build, a
// second instance whose instanceof checks refuse the schema (and its GraphQLError is another class).
const { execute, getOperationAST, GraphQLError, parse, specifiedRules, validate } = createRequire(import.meta.url)('graphql') as typeof GraphQL;
type GraphQLError = GraphQL.GraphQLError;

/** Parsed and validated documents kept, and the longest query text kept (longer ones are re-parsed). */
export const LEAN_DOCUMENTS = 1_000;
const LONGEST_CACHED_QUERY = 64 * 1024;
/** express.json's '1mb'. */
const BODY_LIMIT = 1024 * 1024;
const JSON_TYPE = 'application/json; charset=utf-8';
const NOT_JSON = { errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] };
const INTERNAL = { errors: [{ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] };

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

export interface LeanPathOptions<C extends BaseContext> {
  subgraph: string;
  internalSecret: string;
  logger: Logger;
  schema: GraphQLSchema;
  /** Apollo's formatError and includeStacktraceInErrorResponses, as given to Apollo. */
  formatError: FormatError;
  includeStacktrace: boolean;
  /** The request plugins Apollo runs too (requestDidStart, didEncounterErrors, willSendResponse). */
  plugins: ApolloServerPlugin<C>[];
  buildContext: (verified: Verified, req: IncomingMessage) => C | Promise<C>;
  /** Where everything else goes (the express app). */
  fallback: Handler;
}

interface Prepared {
  document: DocumentNode;
}

interface LeanRequest {
  query: string;
  operationName?: string;
  variables?: Record<string, unknown>;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Only what the gateway sends: one JSON body of a known length, answered as plain JSON. */
function eligible(req: IncomingMessage): boolean {
  if (req.method !== 'POST' || req.url !== '/graphql') return false;
  const type = req.headers['content-type']?.toLowerCase().replace(/\s+/g, '');
  if (type !== 'application/json' && type !== 'application/json;charset=utf-8') return false;
  const encoding = req.headers['content-encoding'];
  if ((encoding !== undefined && encoding.toLowerCase() !== 'identity') || req.headers['transfer-encoding'] !== undefined) return false;
  const accept = req.headers.accept;
  if (accept !== undefined && accept !== '*/*' && accept !== 'application/json') return false;
  const length = Number(req.headers['content-length']);
  return Number.isInteger(length) && length > 0 && length <= BODY_LIMIT;
}

/** The request Apollo would run, or undefined when Apollo should judge it (batches, odd fields, persisted queries). */
function leanRequestOf(body: Record<string, unknown>): LeanRequest | undefined {
  const { query, operationName, variables, extensions } = body;
  if (typeof query !== 'string' || query === '') return undefined;
  // Introspection (its NoIntrospection rule in production) is Apollo's to judge; nobody asks it often.
  if (/__schema|__type\b/.test(query)) return undefined;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return undefined;
  if (variables !== undefined && variables !== null && !isRecord(variables)) return undefined;
  if (extensions !== undefined && extensions !== null && (!isRecord(extensions) || 'persistedQuery' in extensions)) return undefined;
  return { query, operationName: operationName ?? undefined, variables: isRecord(variables) ? variables : undefined };
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

/** body-parser's strict JSON: an object or array (after a UTF-8 BOM, if any), else undefined. */
function parseJson(raw: Buffer): object | undefined {
  const text = raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf ? raw.toString('utf8', 3) : raw.toString('utf8');
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('content-type', JSON_TYPE);
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

/** Apollo's normalizeAndFormatErrors (errorNormalize.ts), for one request's errors. */
function formatErrors(errors: readonly unknown[], formatError: FormatError, includeStacktrace: boolean): { formatted: GraphQLFormattedError[]; status?: number } {
  let status: number | undefined;
  const enrich = (maybe: unknown): GraphQLFormattedError => {
    const error = maybe instanceof GraphQLError ? maybe : maybe instanceof Error ? new GraphQLError(maybe.message, { originalError: maybe }) : new GraphQLError(`Unexpected error value: ${String(maybe)}`);
    const extensions: Record<string, unknown> = { ...error.extensions, code: error.extensions.code ?? 'INTERNAL_SERVER_ERROR' };
    const http = extensions.http as { status?: unknown } | undefined;
    if (http && typeof http === 'object') {
      if (typeof http.status === 'number') status = http.status;
      delete extensions.http;
    }
    if (includeStacktrace) extensions.stacktrace = error.stack?.split('\n');
    return { ...error.toJSON(), extensions };
  };
  const formatted = errors.map((error) => {
    try {
      return formatError(enrich(error), error);
    } catch (formattingError) {
      return includeStacktrace ? enrich(formattingError) : { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    }
  });
  return { formatted, status };
}

/** A node request handler: the lean path for what it can answer, `fallback` for everything else. */
export function leanGraphqlHandler<C extends BaseContext>(options: LeanPathOptions<C>): Handler {
  const documents = new BoundedMap<string, Prepared>(LEAN_DOCUMENTS);

  /** The parsed, valid document of `query` (cached), or undefined when Apollo should report why not. */
  function prepare(query: string): Prepared | undefined {
    const cached = documents.get(query);
    if (cached) return cached;
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch {
      return undefined;
    }
    // Apollo's rules are these plus NoIntrospection when introspection is off; introspection never comes here.
    if (validate(options.schema, document, specifiedRules).length > 0) return undefined;
    const prepared = { document };
    if (query.length <= LONGEST_CACHED_QUERY) {
      documents.remember(query, prepared);
    }
    return prepared;
  }

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const body = parseJson(raw);
    if (body === undefined) return send(res, 400, JSON.stringify(NOT_JSON));
    const handBack = () => {
      keepParsedBody(req, raw, body);
      options.fallback(req, res);
    };
    if (!isRecord(body)) return handBack();
    const checked = verifyIdentityHeaders(options.internalSecret, req.headers, { method: 'POST', subgraph: options.subgraph, path: '/graphql', bodySha256: bodySha256(raw) });
    if (!checked.ok) {
      options.logger.warn({ path: '/graphql', method: 'POST', reason: checked.reason }, UNSIGNED_REFUSED_LOG);
      return send(res, 401, JSON.stringify(refusalBody(req.headers['accept-language'], checked.reason)));
    }
    const request = leanRequestOf(body);
    const prepared = request && prepare(request.query);
    const operation: OperationDefinitionNode | null | undefined = prepared && getOperationAST(prepared.document, request.operationName);
    if (!request || !prepared || !operation || operation.operation === 'subscription') return handBack();
    let contextValue: C;
    try {
      contextValue = await options.buildContext({ identity: checked.identity, client: checked.client ?? NO_CLIENT }, req);
    } catch {
      return handBack();
    }
    // The parts of Apollo's GraphQLRequestContext the request plugins read.
    const requestContext = {
      contextValue,
      logger: options.logger,
      request: { ...request, http: undefined },
      source: request.query,
      document: prepared.document,
      operation,
      operationName: operation.name?.value || null,
      errors: undefined as readonly GraphQLError[] | undefined,
      response: { body: undefined as unknown, http: { status: undefined as number | undefined } },
    } as unknown as Parameters<NonNullable<ApolloServerPlugin<C>['requestDidStart']>>[0];
    const listeners = (await Promise.all(options.plugins.map((plugin) => plugin.requestDidStart?.(requestContext)))).filter((listener) => listener !== undefined && listener !== null);
    let status = 200;
    // What willSendResponse hooks see and may extend (the entity cache's dependencies go into
    // `extensions`), as Apollo hands them `response.body`; serialised only after them.
    let single: { errors?: unknown; data?: unknown; extensions?: Record<string, unknown> };
    try {
      const result = await execute({ schema: options.schema, document: prepared.document, contextValue, variableValues: request.variables, operationName: request.operationName });
      // No data: the variables did not coerce and nothing ran; Apollo words that (400, BAD_USER_INPUT).
      if (result.data === undefined) return handBack();
      let errors: GraphQLFormattedError[] | undefined;
      if (result.errors) {
        (requestContext as { errors?: readonly GraphQLError[] }).errors = result.errors;
        await Promise.all(listeners.map((listener) => listener.didEncounterErrors?.(requestContext as never)));
        const formatted = formatErrors(result.errors, options.formatError, options.includeStacktrace);
        errors = formatted.formatted;
        status = formatted.status ?? 200;
      }
      single = { errors, data: result.data, extensions: result.extensions as Record<string, unknown> | undefined };
    } catch (thrown) {
      // Apollo's sendErrorResponse for an execution that threw.
      const error = thrown instanceof GraphQLError ? thrown : new GraphQLError(thrown instanceof Error ? thrown.message : String(thrown), { originalError: thrown instanceof Error ? thrown : undefined });
      (requestContext as { errors?: readonly GraphQLError[] }).errors = [error];
      await Promise.all(listeners.map((listener) => listener.didEncounterErrors?.(requestContext as never)));
      const formatted = formatErrors([error], options.formatError, options.includeStacktrace);
      status = formatted.status ?? 500;
      single = { errors: formatted.formatted };
    }
    (requestContext as { response: { body: unknown } }).response.body = { kind: 'single', singleResult: single };
    await Promise.all(listeners.map((listener) => listener.willSendResponse?.(requestContext as never)));
    send(res, status, `${JSON.stringify({ errors: single.errors, data: single.data, extensions: single.extensions })}\n`);
  }

  return (req, res) => {
    if (!eligible(req)) return options.fallback(req, res);
    answer(req, res).catch((error: unknown) => {
      options.logger.error({ err: error }, 'the lean GraphQL path failed');
      if (!res.headersSent && !res.destroyed) send(res, 500, JSON.stringify(INTERNAL));
      else res.destroy();
    });
  };
}
