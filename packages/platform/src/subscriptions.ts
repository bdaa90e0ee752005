// Subscriptions on the subgraph side: graphql-ws on the subgraph's own HTTP server at /graphql,
// with the caller's identity signed by the gateway, and async iterators fed by RedisChannelHub.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { createRequire } from 'node:module';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { ErrorCode } from './errors.ts';
import { NO_CLIENT } from './client-info.ts';
import { bodySha256, REQUEST_ID_HEADER, subscribeSha256, verifyIdentityHeaders, type IdentityCheck, type SignedTarget } from './identity.ts';
import { localeFromHeader } from './i18n.ts';
import type { Logger } from './logger.ts';
import type { RedisChannelHub } from './redis.ts';
import type { RequestContext } from './server.ts';

/**
 * graphql as Node loads it for graphql-ws and Apollo (CommonJS `main`). Under plain Node an ESM
 * `import 'graphql'` is the same module; vitest resolves it to the `.mjs` build instead, a second
 * graphql whose GraphQLError and GraphQLSchema graphql-ws and Apollo do not recognise. Code that
 * hands errors or schemas across that boundary (graphql-ws hooks) uses this.
 */
export const graphqlRuntime = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/** graphql-ws close codes of the platform (graphql-ws' own CloseCode covers the protocol ones). */
export const WsCloseCode = {
  /** No or a bad access token (gateway). */
  Unauthorized: 4401,
  /** Identity refused: unsigned, stale or forged (subgraph), or not allowed (gateway). */
  Forbidden: 4403,
  /**
   * The subscriber read too slowly and an event could not be queued for it (gateway). The socket
   * is closed rather than the event silently skipped: a client reconnects (WebSocket's standard
   * "Try Again Later", which graphql-ws clients retry; 4429 would be graphql-ws' own, fatal one)
   * and fetches what it missed with a query (e.g. `riskAlerts`).
   */
  TooSlow: 1013,
  /**
   * Too many open connections from one address or for one member (gateway). The number is
   * graphql-ws' own "too many" code, which its clients treat as fatal: retrying at once would
   * only be refused again; the reason says which cap was hit.
   */
  TooManyConnections: 4429,
} as const;

/**
 * Where the gateway puts a subscription's signed identity headers (`signIdentityHeaders`) in the
 * graphql-ws `subscribe` payload. One upstream connection carries the subscriptions of many
 * callers, so identity travels with each subscription, signed over its own query and variables
 * (`subscribeTarget`); the connection itself is signed for the subgraph (`connectionTarget`).
 */
export const IDENTITY_EXTENSION = 'anshimIdentity';

type HeaderRecord = Record<string, string | undefined>;

function headerRecord(value: unknown): HeaderRecord {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const record: HeaderRecord = {};
  for (const [name, given] of Object.entries(value)) if (typeof given === 'string') record[name.toLowerCase()] = given;
  return record;
}

type ConnectionExtra = {
  /** Headers of the connection (connectionParams.headers), verified in onConnect. */
  headers?: HeaderRecord;
  /** Verified headers of each running operation, by operation id. */
  operations?: Map<string, { headers: HeaderRecord; check: Extract<IdentityCheck, { ok: true }> }>;
};

/** What the gateway signs a graphql-ws connection to `subgraph` over (connectionParams.headers). */
export function connectionTarget(subgraph: string): SignedTarget {
  return { method: 'WS', subgraph, path: '/graphql', bodySha256: bodySha256('') };
}

/** What the gateway signs one subscribe payload over: this subgraph, its query and its variables. */
export function subscribeTarget(subgraph: string, query: string, variables: unknown): SignedTarget {
  return { method: 'SUBSCRIBE', subgraph, path: '/graphql', bodySha256: subscribeSha256(query, variables) };
}

export interface SubscriptionServerOptions<C extends RequestContext> {
  /** The subgraph's own name: signatures made for another subgraph are refused. */
  subgraph: string;
  internalSecret: string;
  logger: Logger;
  /** The same builder the subgraph gives buildSubgraphServer (loaders, services). */
  buildContext: (base: RequestContext, headers: IncomingHttpHeaders) => C | Promise<C>;
  /** Default 3 s: a socket that sends no connection_init by then is closed (4408). */
  connectionInitWaitTimeoutMs?: number;
  production?: boolean;
}

/**
 * An `attach` hook for buildSubgraphServer: serves the schema (queries, mutations and the
 * Subscription fields) over graphql-ws on `/graphql` of the subgraph's own HTTP server.
 * Identity is verified like over HTTP: a connection not signed for this subgraph is refused (4403),
 * and so is every subscribe payload not signed over its own query and variables.
 */
export function attachSubscriptions<C extends RequestContext>(options: SubscriptionServerOptions<C>) {
  return (httpServer: Server, schema: GraphQLSchema): (() => Promise<void>) => {
    const wss = new WebSocketServer({ server: httpServer, path: '/graphql' });
    const refuse = (socket: { close(code: number, reason: string): void }, reason: string) => {
      options.logger.warn({ reason }, 'refused graphql-ws identity');
      socket.close(WsCloseCode.Forbidden, `Forbidden: identity ${reason}`);
    };
    const cleanup = useServer<Record<string, unknown>, ConnectionExtra>(
      {
        schema,
        isProd: options.production,
        connectionInitWaitTimeout: options.connectionInitWaitTimeoutMs ?? 3_000,
        onConnect: (ctx) => {
          const headers = headerRecord(ctx.connectionParams?.headers);
          const checked = verifyIdentityHeaders(options.internalSecret, headers, connectionTarget(options.subgraph));
          if (!checked.ok) {
            options.logger.warn({ reason: checked.reason }, 'refused graphql-ws connection identity');
            return false; // graphql-ws closes with 4403 Forbidden
          }
          ctx.extra.headers = headers;
          ctx.extra.operations = new Map();
          return undefined;
        },
        onSubscribe: (ctx, id, payload) => {
          const headers = headerRecord(payload.extensions?.[IDENTITY_EXTENSION]);
          const checked = verifyIdentityHeaders(options.internalSecret, headers, subscribeTarget(options.subgraph, payload.query, payload.variables));
          if (!checked.ok) {
            refuse(ctx.extra.socket, checked.reason);
            return [new graphqlRuntime.GraphQLError('The caller identity could not be verified.', { extensions: { code: ErrorCode.UNAUTHENTICATED, reason: checked.reason } })];
          }
          ctx.extra.operations?.set(id, { headers, check: checked });
          return undefined; // graphql-ws parses, validates and runs it against the schema
        },
        context: async (ctx, id) => {
          const operation = ctx.extra.operations?.get(id);
          if (!operation) throw new Error('operation without verified identity'); // cannot happen: onSubscribe ran
          const requestId = operation.headers[REQUEST_ID_HEADER] ?? randomUUID();
          const headers: IncomingHttpHeaders = { ...ctx.extra.request.headers, ...operation.headers };
          const base: RequestContext = {
            identity: operation.check.identity,
            client: operation.check.client ?? NO_CLIENT,
            requestId,
            locale: localeFromHeader(operation.headers['accept-language'] ?? ctx.extra.request.headers['accept-language']),
            logger: options.logger.child({ requestId }),
          };
          return options.buildContext(base, headers);
        },
        // An operation ends with onComplete, or with onError alone when it never ran (invalid).
        onError: (ctx, id) => {
          ctx.extra.operations?.delete(id);
        },
        onComplete: (ctx, id) => {
          ctx.extra.operations?.delete(id);
        },
      },
      wss,
    );
    return async () => {
      await cleanup.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    };
  };
}

/** The last message each parser read, and what it made of it (see channelIterator). */
const lastParsed = new WeakMap<(message: string) => unknown, { message: string; value: unknown }>();

function parseOnce<T>(parse: (message: string) => T | undefined, message: string): T | undefined {
  const last = lastParsed.get(parse);
  if (last && last.message === message) return last.value as T | undefined;
  const value = parse(message);
  lastParsed.set(parse, { message, value });
  return value;
}

const parseJson = (message: string): unknown => JSON.parse(message);

export interface ChannelIteratorOptions<T> {
  /**
   * Turns a message into an event; `undefined` drops it. Default: JSON.parse. A message reaches
   * every subscriber of its channel and is parsed once for all of them (per parse function), so
   * the event is shared: filters and resolvers read it and never change it.
   */
  parse?: (message: string) => T | undefined;
  /** Keeps only the events this subscriber should see (e.g. its own user id). */
  filter?: (event: T) => boolean;
  /** Events kept for a slow consumer; beyond it the oldest are dropped (logged). Default 1,000. */
  bufferLimit?: number;
  logger?: Logger;
}

/**
 * An async iterator over one RedisChannelHub channel, for a Subscription field's `subscribe`.
 * It listens at once (before the first `next()`), so nothing published after the call is lost;
 * `return()` (the client unsubscribed or disconnected) stops listening.
 */
export type ChannelIterator<T> = AsyncGenerator<T, undefined, unknown> & {
  /** Settles once Redis confirmed the channel subscription: what is published after it arrives. */
  ready: Promise<void>;
};

export function channelIterator<T = unknown>(hub: RedisChannelHub, name: string, options: ChannelIteratorOptions<T> = {}): ChannelIterator<T> {
  const parse = options.parse ?? (parseJson as (message: string) => T);
  const limit = options.bufferLimit ?? 1_000;
  const buffer: T[] = [];
  const waiting: Array<{ resolve: (result: IteratorResult<T, undefined>) => void; reject: (error: unknown) => void }> = [];
  let done = false;
  let failure: unknown;

  const onMessage = (message: string) => {
    if (done) return;
    let event: T | undefined;
    try {
      event = parseOnce(parse, message);
      if (event === undefined || (options.filter && !options.filter(event))) return;
    } catch (error) {
      options.logger?.warn({ err: error, channel: name }, 'dropped an unreadable channel message');
      return;
    }
    const next = waiting.shift();
    if (next) return next.resolve({ value: event, done: false });
    buffer.push(event);
    if (buffer.length > limit) {
      buffer.shift();
      options.logger?.warn({ channel: name, limit }, 'subscriber too slow: dropped its oldest event');
    }
  };

  const listening = hub.listen(name, onMessage);
  listening.catch((error: unknown) => {
    failure = error;
    for (const next of waiting.splice(0)) next.reject(error);
  });

  const finish = async (): Promise<IteratorResult<T, undefined>> => {
    if (!done) {
      done = true;
      buffer.length = 0;
      for (const next of waiting.splice(0)) next.resolve({ value: undefined, done: true });
      const unlisten = await listening.catch(() => undefined);
      await unlisten?.();
    }
    return { value: undefined, done: true };
  };

  const ready = listening.then(() => undefined);
  ready.catch(() => undefined); // reported through next() too; nobody has to await ready
  const iterator = {
    ready,
    async next(): Promise<IteratorResult<T, undefined>> {
      if (buffer.length) return { value: buffer.shift() as T, done: false };
      if (done) return { value: undefined, done: true };
      if (failure) throw failure;
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    return: finish,
    async throw(error: unknown): Promise<IteratorResult<T, undefined>> {
      await finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
    async [Symbol.asyncDispose]() {
      await finish();
    },
  };
  return iterator as ChannelIterator<T>;
}
