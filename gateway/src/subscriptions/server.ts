import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import type { ExecutionArgs, ExecutionResult, GraphQLError as GraphQLErrorType } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { AppError, DEVICE_ID_HEADER, ErrorCode, WsCloseCode, graphqlRuntime, localeFromHeader, pick, type AccessClaims, type Identity, type Logger, validDeviceId, validUserAgent } from '@anshim/platform';
import type { Authenticator } from '../auth.ts';
import { addressBucket } from '../limits/client-ip.ts';
import { EarlyDocumentCheck } from '../limits/early-check.ts';
import type { SubscriptionCapacity } from './capacity.ts';
import type { ConnectionCaps } from './connection-caps.ts';
import { closeFor, type SocketRevocations } from './socket-revocations.ts';
import type { GatewayContext } from '../context.ts';
import type { OperationGuard } from '../limits/operation-guard.ts';
import { DocumentCache } from './document-cache.ts';
import { Downstream } from './downstream.ts';
import type { SubscriptionExecutor } from './executor.ts';
import type { SubscriptionPlanner } from './planner.ts';
import { SocketOperationContext, SocketSubscription } from './socket-context.ts';

export interface GatewaySubscriptionOptions {
  httpServer: Server;
  apollo: ApolloServer<GatewayContext>;
  planner: SubscriptionPlanner;
  executor: SubscriptionExecutor;
  authenticator: Authenticator;
  /** The HTTP limits, applied to subscriptions here (queries and mutations get them in Apollo). */
  guard: OperationGuard;
  clientIpOf: (request: IncomingMessage) => string;
  /** Largest message a client may send; a bigger one closes the socket (1009). */
  maxPayloadBytes: number;
  logger: Logger;
  production: boolean;
  /** Subscriptions one connection may hold at once; one more is answered with an error. */
  maxSubscriptionsPerConnection: number;
  /** A socket that sends no connection_init by then is closed with 4408. */
  connectionInitTimeoutMs: number;
  /** Bytes queued on a subscriber's socket beyond which its events are dropped (it is not reading). */
  maxBufferedBytes?: number;
  /** Closes signed-in sockets whose session ends (notice on Redis pub/sub, periodic sweep). */
  revocations: SocketRevocations;
  /** Open connections per address (/64 for IPv6) and per member. */
  caps: ConnectionCaps;
  /** Subscriptions the whole process serves at once (WS_SUBSCRIPTION_CAPACITY); one more is refused. */
  capacity: SubscriptionCapacity;
  /** Token limit and shape limits before graphql's validation (limits/early-check.ts). */
  earlyCheck: EarlyDocumentCheck;
}

// The graphql graphql-ws and Apollo use (see graphqlRuntime): its errors are the ones graphql-ws accepts.
const { GraphQLError, getOperationAST, getVariableValues } = graphqlRuntime;

type ConnectionParams = Record<string, unknown>;
type ConnectionExtra = {
  identity?: Identity | null;
  /** The access token's claims, re-checked for revocation before every operation. */
  claims?: AccessClaims;
  clientIp?: string;
  /** connectionParams.deviceId (or the upgrade request's X-Device-Id), validated. */
  deviceId?: string | null;
  /** The upgrade request's User-Agent, validated (User.sessions describes the client with it). */
  userAgent?: string | null;
  authorization?: string;
  acceptLanguage?: string;
  connectionId?: string;
  /** The subscription operations running on this connection: id → gives its place in the process' capacity back. */
  subscriptions?: Map<string, () => void>;
};

const TOO_MANY = {
  ko: '한 연결에서 열 수 있는 구독 수를 넘었습니다.',
  en: 'This connection has reached its maximum number of subscriptions.',
};
const REVOKED = {
  ko: '로그아웃되었거나 계정 상태가 바뀌었습니다. 다시 로그인해 주세요.',
  en: 'You were signed out or the account status changed. Please sign in again.',
};
const SIGN_IN = {
  ko: '구독하려면 connectionParams.authorization 에 "Bearer <토큰>"을 보내 로그인해야 합니다.',
  en: 'Subscriptions need a signed-in connection: send "Bearer <token>" as connectionParams.authorization.',
};

/** `exp` (ms) of a bearer token identify() already verified. */
function expiryOf(authorization: string | undefined): number | undefined {
  const payload = authorization?.split(' ').pop()?.split('.')[1];
  if (!payload) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1_000 : undefined;
  } catch {
    return undefined;
  }
}

function stringParam(params: ConnectionParams | undefined, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = params?.[name];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/**
 * The guard's refusal as an error graphql-ws accepts (its graphql's GraphQLError, in the
 * caller's language, without the HTTP-only status and headers); anything else is rethrown.
 */
async function limitRefusal(guard: OperationGuard, request: Parameters<OperationGuard['check']>[0], locale: 'ko' | 'en'): Promise<GraphQLErrorType | null> {
  try {
    await guard.check(request);
    return null;
  } catch (error) {
    const refused = error as { extensions?: Record<string, unknown>; localized?: { ko: string; en: string }; message: string };
    if (!(error instanceof AppError)) throw error;
    const { http: _http, ...extensions } = refused.extensions ?? {};
    return new GraphQLError(refused.localized ? pick(refused.localized, locale) : refused.message, { extensions });
  }
}

/**
 * graphql-ws on the gateway's /graphql (same port as HTTP). The connection authenticates once in
 * onConnect (a bad token closes it with 4401); anonymous connections may run queries but no
 * subscription. Subscriptions go through the SubscriptionExecutor, queries and mutations
 * through Apollo Server like HTTP requests.
 */
export function attachGatewaySubscriptions(options: GatewaySubscriptionOptions): { dispose(): Promise<void> } {
  const { planner, executor, authenticator, logger, revocations, caps, capacity } = options;
  // No per-message deflate (ws' default, said out loud): zlib contexts cost hundreds of KB per socket.
  const documents = new DocumentCache();
  // Each subscription's socket, found again in `subscribe` (graphql-ws passes it only the execution args).
  const downstreams = new WeakMap<GatewayContext, Downstream>();
  const maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
  const wss = new WebSocketServer({ server: options.httpServer, path: '/graphql', maxPayload: options.maxPayloadBytes, perMessageDeflate: false });
  // Counted from the upgrade, before connection_init: idle sockets count against the address too.
  wss.on('connection', (socket, request) => {
    const bucket = addressBucket(options.clientIpOf(request));
    const release = caps.admitAddress(bucket);
    if (!release) {
      logger.info({ address: bucket }, 'refused graphql-ws connection: too many from this address');
      socket.close(WsCloseCode.TooManyConnections, 'Too many connections from this address');
      return;
    }
    socket.once('close', release);
  });

  /**
   * Like HTTP, every operation re-checks the connection's token: one that was revoked since
   * closes the socket (4401/4403) and the operation is refused; without Redis it is refused only.
   */
  async function revocationRefusal(extra: ConnectionExtra & { socket: { close(code: number, reason: string): void } }, locale: 'ko' | 'en'): Promise<GraphQLErrorType | null> {
    if (!extra.claims) return null;
    try {
      const [revoked] = await authenticator.revocations([extra.claims], locale, logger);
      if (!revoked) return null;
      const close = closeFor(revoked);
      extra.socket.close(close.code, close.reason);
      return new GraphQLError(pick(REVOKED, locale), { extensions: { code: ErrorCode.UNAUTHENTICATED, reason: 'revoked' } });
    } catch (error) {
      const refused = error as { extensions?: Record<string, unknown>; localized?: { ko: string; en: string }; message: string };
      const { http: _http, ...extensions } = refused.extensions ?? {};
      return new GraphQLError(refused.localized ? pick(refused.localized, locale) : refused.message, { extensions });
    }
  }

  const cleanup = useServer<ConnectionParams, ConnectionExtra>(
    {
      isProd: options.production,
      connectionInitWaitTimeout: options.connectionInitTimeoutMs,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams;
        const authorization = stringParam(params, 'authorization', 'Authorization');
        const acceptLanguage = stringParam(params, 'accept-language', 'Accept-Language', 'acceptLanguage') ?? ctx.extra.request.headers['accept-language'];
        const connectionId = randomUUID();
        const connectionLogger = logger.child({ connectionId });
        ctx.extra.clientIp = options.clientIpOf(ctx.extra.request);
        ctx.extra.deviceId = validDeviceId(params?.deviceId ?? ctx.extra.request.headers[DEVICE_ID_HEADER]);
        ctx.extra.userAgent = validUserAgent(ctx.extra.request.headers['user-agent']);
        if (ctx.extra.socket.readyState !== ctx.extra.socket.OPEN) return false; // refused by a connection cap
        try {
          const authenticated = await authenticator.authenticate(authorization, localeFromHeader(acceptLanguage), connectionLogger);
          ctx.extra.identity = authenticated?.identity ?? null;
          ctx.extra.claims = authenticated?.claims;
        } catch (error) {
          const extensions = (error as { extensions?: Record<string, unknown> }).extensions;
          const unauthenticated = extensions?.code === ErrorCode.UNAUTHENTICATED;
          const reason = unauthenticated ? String(extensions?.reason ?? 'invalid') : 'unavailable';
          connectionLogger.info({ reason }, 'refused graphql-ws connection');
          const status = extensions?.accountStatus;
          if (status === 'SUSPENDED' || status === 'BANNED') {
            const close = closeFor(status);
            ctx.extra.socket.close(close.code, close.reason);
          } else if (unauthenticated) ctx.extra.socket.close(WsCloseCode.Unauthorized, `Unauthorized: ${reason}`);
          else ctx.extra.socket.close(CloseCode.InternalServerError, 'Sign-in cannot be checked right now');
          return false;
        }
        // Gone while its token was checked: its close event has passed, so take no place for it.
        if (ctx.extra.socket.readyState !== ctx.extra.socket.OPEN) return false;
        if (ctx.extra.identity && ctx.extra.claims) {
          const releaseMember = caps.admitMember(ctx.extra.identity.userId);
          if (!releaseMember) {
            connectionLogger.info({ userId: ctx.extra.identity.userId }, 'refused graphql-ws connection: too many for this member');
            ctx.extra.socket.close(WsCloseCode.TooManyConnections, 'Too many connections for this member');
            return false;
          }
          const socket = ctx.extra.socket;
          const untrack = revocations.track(ctx.extra.claims, (code, reason) => socket.close(code, reason));
          socket.once('close', () => {
            releaseMember();
            untrack();
          });
        }
        ctx.extra.authorization = ctx.extra.identity ? authorization : undefined;
        const expiresAt = ctx.extra.identity ? expiryOf(authorization) : undefined;
        if (expiresAt !== undefined) {
          // The socket lives no longer than its access token: the client reconnects with a fresh one.
          const socket = ctx.extra.socket;
          const timer = setTimeout(() => socket.close(WsCloseCode.Unauthorized, 'Unauthorized: expired'), Math.max(0, expiresAt - Date.now()));
          timer.unref();
          socket.once('close', () => clearTimeout(timer));
        }
        ctx.extra.acceptLanguage = acceptLanguage;
        ctx.extra.connectionId = connectionId;
        const running = new Map<string, () => void>();
        ctx.extra.subscriptions = running;
        // graphql-ws ends each subscription on close (onComplete), but a place must come back even
        // if one ends some other way: the socket's close gives back whatever this connection holds.
        ctx.extra.socket.once('close', () => {
          for (const release of running.values()) release();
          running.clear();
        });
        // graphql-ws would keep the upgrade request (headers, raw headers, parser state) as long as
        // the socket lives; all of it that is needed has been read above.
        (ctx.extra as { request?: IncomingMessage }).request = undefined;
        return undefined;
      },

      onSubscribe: async (ctx, id, payload) => {
        const { identity = null, clientIp = 'unknown', deviceId = null, userAgent = null, acceptLanguage, authorization, connectionId } = ctx.extra;
        const locale = localeFromHeader(acceptLanguage);
        const revoked = await revocationRefusal(ctx.extra, locale);
        if (revoked) return [revoked];
        const { apiSchema } = planner.schemas();
        const checked = documents.check(apiSchema, payload.query, {
          parse: (query) => {
            try {
              return options.earlyCheck.parse(query);
            } catch (error) {
              throw error instanceof AppError ? EarlyDocumentCheck.forSocket(error, locale) : error;
            }
          },
          refusal: (parsed) => {
            const refused = options.earlyCheck.refusal(apiSchema, parsed, payload.variables ?? undefined);
            return refused ? EarlyDocumentCheck.forSocket(refused, locale) : null;
          },
        });
        if (checked.errors) return [...checked.errors];
        // graphql-ws keeps the subscribe message as long as the subscription runs: let it hold the
        // cached text every subscriber of this document shares, not its own copy.
        (payload as { query: string }).query = checked.query;
        const document = checked.document;
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return [new GraphQLError('Unable to identify the operation to run.', { extensions: { code: ErrorCode.BAD_REQUEST } })];

        const context: GatewayContext = new SocketOperationContext(identity, clientIp, deviceId, userAgent, locale, acceptLanguage, authorization, logger, connectionId);
        if (operation.operation !== 'subscription') {
          return { schema: apiSchema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue: context };
        }

        if (!identity) return [new GraphQLError(pick(SIGN_IN, locale), { extensions: { code: ErrorCode.UNAUTHENTICATED } })];
        const running = ctx.extra.subscriptions ?? new Map<string, () => void>();
        if (running.size >= options.maxSubscriptionsPerConnection) {
          return [new GraphQLError(pick(TOO_MANY, locale), { extensions: { code: ErrorCode.BAD_REQUEST, reason: 'TOO_MANY_SUBSCRIPTIONS', limit: options.maxSubscriptionsPerConnection } })];
        }
        // The place is taken (and counted on the connection) before the checks that wait on Redis,
        // so concurrent subscribes cannot all pass a full process or connection; every way out
        // below without admitting gives it back.
        const place = capacity.take();
        if (!place) {
          context.logger.info({ capacity: capacity.capacity }, 'refused subscription: the gateway holds its subscription capacity');
          return [capacity.refusal(locale)];
        }
        running.set(id, place);
        let admitted = false;
        try {
          const coerced = getVariableValues(apiSchema, operation.variableDefinitions ?? [], payload.variables ?? {});
          if (coerced.errors) return coerced.errors;
          // The guard logs only when it refuses or cannot check: the child logger stays unmade otherwise.
          const request = { schema: apiSchema, document, operation, variables: coerced.coerced, identity, clientIp, get logger() { return context.logger; } };
          const refusal = await limitRefusal(options.guard, request, locale);
          if (refusal) return [refusal];
          // Gone while it was checked: its close gave back what it held, so hold nothing new for it.
          if (ctx.extra.socket.readyState !== ctx.extra.socket.OPEN) return [new GraphQLError('The connection closed.', { extensions: { code: ErrorCode.BAD_REQUEST } })];
          admitted = true;
          downstreams.set(context, new Downstream(ctx.extra.socket, id, maxBufferedBytes));
          return { schema: apiSchema, document, operationName: payload.operationName, variableValues: coerced.coerced, contextValue: context };
        } finally {
          if (!admitted) {
            running.delete(id);
            place();
          }
        }
      },

      execute: async (args: ExecutionArgs): Promise<ExecutionResult> => {
        const context = args.contextValue as GatewayContext;
        const response = await options.apollo.executeOperation(
          { query: args.document, operationName: args.operationName ?? undefined, variables: (args.variableValues ?? undefined) as Record<string, unknown> | undefined },
          { contextValue: context },
        );
        if (response.body.kind === 'single') return response.body.singleResult as ExecutionResult;
        return { errors: [new GraphQLError('Incremental delivery is not supported over graphql-ws.', { extensions: { code: ErrorCode.BAD_REQUEST } })] };
      },

      subscribe: (args: ExecutionArgs) => {
        const context = args.contextValue as GatewayContext;
        try {
          const planned = planner.plan(args.document, args.operationName ?? undefined);
          return executor.subscribe(new SocketSubscription(planned, (args.variableValues ?? {}) as Record<string, unknown>, context, downstreams.get(context)));
        } catch (error) {
          context.logger.error({ err: error }, 'subscription could not be planned');
          const known = (error as { extensions?: Record<string, unknown> }).extensions?.code !== undefined;
          return executor.formatResult({ errors: [known ? (error as GraphQLErrorType) : new GraphQLError('The subscription could not be planned.', { originalError: error as Error })] });
        }
      },

      // Results arrive formatted (Apollo's formatError, or the executor's): their errors are plain
      // objects, which graphql-ws would otherwise call toJSON() on and close the socket with 4500.
      onNext: (_ctx, _id, _payload, _args, result) => result,

      onComplete: (ctx, id) => {
        const running = ctx.extra.subscriptions;
        running?.get(id)?.();
        running?.delete(id);
      },
    },
    wss,
  );

  return {
    async dispose() {
      await cleanup.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
