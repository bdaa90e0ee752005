// Subscriptions: runs each client subscription's plan (primary fetch upstream, the rest per event);
// the connections it subscribes over are upstream-connections.ts's.
import { executeQueryPlan, type GraphQLDataSource } from '@apollo/gateway';
// executeQueryPlan's own last step (not re-exported by the package's index).
import { computeResponse } from '@apollo/gateway/dist/resultShaping.js';
import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { FormattedExecutionResult } from 'graphql-ws';
import { IDENTITY_EXTENSION, signIdentityHeaders, subscribeTarget } from '@anshim/platform';
import type { Operation } from '@apollo/federation-internals';
import type { GatewayContext } from '../context.ts';
import type { DownstreamSubscription, SubscriptionExecutorOptions, SubscriptionStats } from './executor-types.ts';
import { JoinBatcher } from './join-batcher.ts';
import { EVENT_SOURCE } from './planner.ts';
import { Sink, type SinkOwner } from './sink.ts';
import { SmallMap, SmallSet } from './small-map.ts';
import { nextSerial, serialRequestId } from './socket-context.ts';
import { UpstreamConnections, type SubgraphConnection, type UpstreamSink } from './upstream-connections.ts';

type RequestContext = Parameters<typeof executeQueryPlan>[2];
type ServiceMap = Parameters<typeof executeQueryPlan>[1];
type UpstreamEvent = FormattedExecutionResult<Record<string, unknown>, unknown>;

export type { DownstreamSubscription, SubscriptionExecutorOptions, SubscriptionStats };

const RETRY_LIMIT = 8;
/** How long a shared event result is kept for groups whose copy of the event arrives later. */
const SHARED_RESULT_TTL_MS = 2_000;
const retryDelayMs = (attempt: number) => Math.min(5_000, 100 * 2 ** attempt);

function isCloseEvent(value: unknown): value is { code: number; reason: string } {
  return typeof value === 'object' && value !== null && typeof (value as { code?: unknown }).code === 'number';
}

/**
 * The downstream subscribers with identical selections, variables and language under one
 * upstream subscription: the rest of the plan runs once per event for all of them.
 */
class EventGroup implements SinkOwner {
  readonly sinks = new SmallSet<Sink>();
  private tail: Promise<void> = Promise.resolve();
  private sequence = 0;

  constructor(
    readonly key: string,
    private readonly request: DownstreamSubscription,
    private readonly upstream: SharedUpstream,
  ) {}

  release(sink: Sink): void {
    this.upstream.release(this, sink);
  }

  deliver(event: UpstreamEvent, receivedAt: number): void {
    // Events run one after another per group: subscribers see them in publish order.
    this.tail = this.tail.then(
      () => this.run(event, receivedAt),
      () => this.run(event, receivedAt),
    );
  }

  fail(result: ExecutionResult): void {
    this.tail = this.tail.then(() => {
      for (const sink of this.sinks.values()) {
        sink.push(result);
        sink.end();
      }
      this.sinks.clear();
    });
  }

  end(): void {
    this.tail = this.tail.then(() => {
      for (const sink of this.sinks.values()) sink.end();
      this.sinks.clear();
    });
  }

  private async run(event: UpstreamEvent, receivedAt: number): Promise<void> {
    if (this.sinks.size === 0) return;
    const result = await this.upstream.executor.eventResult(this.request, event, `${this.upstream.requestId}.${++this.sequence}`);
    for (const sink of this.sinks.values()) {
      if (!sink.push(result)) this.request.logger.warn({ subscription: this.key }, 'slow subscriber: closed its socket (1013) rather than skip an event');
    }
    this.upstream.executor.eventTimed(this.request.planned.primary.serviceName, receivedAt);
  }
}

/** One subscription to a subgraph, shared by every downstream subscriber with the same key; its own sink there. */
class SharedUpstream implements UpstreamSink {
  readonly groups = new SmallMap<string, EventGroup>();
  /** The request id is made from this when read (`gw-sub-…`): no string kept per subscription. */
  private readonly serial = nextSerial();
  private upstreamId: string | undefined; // on the connection, while subscribed there
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private closed = false;

  constructor(
    readonly key: string,
    readonly executor: SubscriptionExecutor,
    private readonly connection: SubgraphConnection,
    private readonly request: DownstreamSubscription,
    private readonly variables: Record<string, unknown>,
  ) {}

  get requestId(): string {
    return serialRequestId('gw-sub', this.serial);
  }

  start(): void {
    const { primary } = this.request.planned;
    // Signed now, at every (re)subscribe (a subgraph refuses stale signatures), for this subgraph,
    // query and variables; anonymous subscriptions are signed too.
    const target = subscribeTarget(primary.serviceName, primary.operation, this.variables);
    const headers = signIdentityHeaders(this.executor.internalSecret, this.request.identity, target, this.requestId);
    this.upstreamId = this.connection.subscribe(
      { query: primary.operation, ...(primary.operationName ? { operationName: primary.operationName } : {}), variables: this.variables, extensions: { [IDENTITY_EXTENSION]: headers } },
      this,
    );
  }

  next(event: UpstreamEvent): void {
    this.attempt = 0;
    const receivedAt = performance.now();
    for (const group of this.groups.values()) group.deliver(event, receivedAt);
  }

  complete(): void {
    this.upstreamId = undefined;
    if (this.closed) return;
    for (const group of this.groups.values()) group.end();
    this.close();
  }

  error(error: unknown): void {
    if (this.closed) return;
    this.upstreamId = undefined;
    const refused = Array.isArray(error) || (isCloseEvent(error) && error.code >= 4400 && error.code < 4500);
    if (!refused && this.attempt < RETRY_LIMIT) {
      // The socket went away (subgraph restart, network): subscribe again, freshly signed.
      const delay = retryDelayMs(this.attempt++);
      this.request.logger.warn({ subscription: this.requestId, delay, reason: isCloseEvent(error) ? error.code : String(error) }, 'upstream subscription lost; retrying');
      this.retryTimer = setTimeout(() => {
        if (!this.closed) this.start();
      }, delay);
      return;
    }
    const errors = Array.isArray(error)
      ? (error as GraphQLFormattedError[])
      : [{ message: 'The subscription was ended by the service that owns it.', extensions: { code: 'INTERNAL_SERVER_ERROR', reason: isCloseEvent(error) ? error.code : undefined } }];
    this.request.logger.warn({ subscription: this.requestId, errors }, 'upstream subscription refused or failed');
    const result: ExecutionResult = { errors: errors.map((e) => new GraphQLError(e.message, { extensions: e.extensions })) };
    const formatted = this.executor.formatResult(result);
    for (const group of this.groups.values()) group.fail(formatted);
    this.close();
  }

  /** Drops a group's last subscriber; the upstream closes with its last group. */
  release(group: EventGroup, sink: Sink): void {
    group.sinks.delete(sink);
    if (group.sinks.size === 0 && this.groups.get(group.key) === group) this.groups.delete(group.key);
    if (this.groups.size === 0) this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    if (this.upstreamId !== undefined) this.connection.unsubscribe(this.upstreamId);
    this.upstreamId = undefined;
    this.executor.forget(this);
  }
}

/**
 * Runs client subscriptions (ARCHITECTURE §7): only the plan's primary fetch goes upstream, over
 * one lazy socket per subgraph (UpstreamConnections); identical upstream subscriptions are shared; each
 * upstream event runs the rest of the plan (entity joins) with executeQueryPlan.
 */
export class SubscriptionExecutor {
  readonly internalSecret: string;
  private readonly connections: UpstreamConnections;
  private readonly upstreams = new Map<string, SharedUpstream>();
  /** executeQueryPlan's service map without the event source (a per-event map inherits from it). */
  private readonly services: ServiceMap;
  private readonly batching: boolean;
  /** Results of viewer-independent plans by (selection, event): one execution per published event. */
  private readonly sharedResults = new Map<string, Promise<ExecutionResult>>();
  private readonly sharedExpiry: Array<{ key: string; at: number }> = [];
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SubscriptionExecutorOptions) {
    this.internalSecret = options.internalSecret;
    this.connections = new UpstreamConnections(options);
    this.batching = options.joinBatching;
    this.services = (
      this.batching
        ? new JoinBatcher(options.dataSources, { windowMs: options.joinBatchWindowMs }).services()
        : Object.assign(Object.create(null) as ServiceMap, Object.fromEntries(options.dataSources))
    ) as ServiceMap;
  }

  subscribe(request: DownstreamSubscription): AsyncIterableIterator<ExecutionResult> {
    const { primary } = request.planned;
    const upstreamVariables: Record<string, unknown> = {};
    for (const name of primary.variableUsages ?? []) if (request.variables[name] !== undefined) upstreamVariables[name] = request.variables[name];
    // Ids, not the operation's and document's texts: these keys are held once per subscription.
    // One JSON.stringify makes each a flat string (a template literal kept a chain of pieces).
    const upstreamKey = JSON.stringify([request.planned.primaryId, request.identity?.userId ?? null, request.identity?.role ?? null, upstreamVariables]);
    let upstream = this.upstreams.get(upstreamKey);
    const fresh = !upstream;
    if (!upstream) {
      upstream = new SharedUpstream(upstreamKey, this, this.connections.to(primary.serviceName), request, upstreamVariables);
      this.upstreams.set(upstreamKey, upstream);
    }
    const groupKey = JSON.stringify([request.planned.planId, request.variables, request.locale, request.acceptLanguage ?? '']);
    let group = upstream.groups.get(groupKey);
    if (!group) {
      group = new EventGroup(groupKey, request, upstream);
      upstream.groups.set(groupKey, group);
    }
    const sink = new Sink(group, this.options.bufferLimit, request.downstream);
    group.sinks.add(sink);
    if (fresh) upstream.start();
    return sink;
  }

  /** A closed upstream leaves the map (unless a new one took its key meanwhile). */
  forget(upstream: SharedUpstream): void {
    if (this.upstreams.get(upstream.key) === upstream) this.upstreams.delete(upstream.key);
  }

  stats(): SubscriptionStats {
    let groups = 0;
    let subscribers = 0;
    for (const upstream of this.upstreams.values()) {
      groups += upstream.groups.size;
      for (const group of upstream.groups.values()) subscribers += group.sinks.size;
    }
    return { upstreams: this.upstreams.size, groups, subscribers };
  }

  /**
   * The result of one event for one group. With distinct identities every subscriber has its own
   * upstream subscription, so one publish arrives as many identical events: when nothing in the
   * plan depends on the viewer (planner: restViewerIndependent) and the event is byte-identical,
   * the first group's execution serves the others.
   */
  eventResult(request: DownstreamSubscription, event: UpstreamEvent, requestId: string): Promise<ExecutionResult> {
    if (!this.batching || !request.planned.restViewerIndependent) return this.executeEvent(request, event, requestId);
    const key = JSON.stringify([request.planned.key, request.variables, request.locale, request.acceptLanguage ?? '', event]);
    let result = this.sharedResults.get(key);
    if (!result) {
      result = this.executeEvent(request, event, requestId);
      this.sharedResults.set(key, result);
      this.sharedExpiry.push({ key, at: Date.now() + SHARED_RESULT_TTL_MS });
      this.sweepTimer ??= setTimeout(() => this.sweep(), SHARED_RESULT_TTL_MS);
    }
    return result;
  }

  /** An event's result handed to a group's subscribers (SubscriptionExecutorOptions.eventSeconds). */
  eventTimed(subgraph: string, receivedAt: number): void {
    this.options.eventSeconds?.observe({ subgraph }, (performance.now() - receivedAt) / 1000);
  }

  private sweep(): void {
    this.sweepTimer = undefined;
    const now = Date.now();
    let expired = 0;
    while (expired < this.sharedExpiry.length && this.sharedExpiry[expired]!.at <= now) this.sharedResults.delete(this.sharedExpiry[expired++]!.key);
    this.sharedExpiry.splice(0, expired);
    if (this.sharedExpiry.length) this.sweepTimer = setTimeout(() => this.sweep(), Math.max(1, this.sharedExpiry[0]!.at - now));
  }

  /** Runs the event plan for one event: the primary fetch answers with the event, the rest fetches. */
  async executeEvent(request: DownstreamSubscription, event: UpstreamEvent, requestId: string): Promise<ExecutionResult> {
    const { shapeOnly } = request.planned;
    if (shapeOnly && event.data && !event.errors?.length) return this.shapeEvent(shapeOnly, request, event.data);
    const schemas = this.options.planner.schemas();
    const context: GatewayContext = {
      identity: request.identity,
      clientIp: 'subscription-event', // not limited per event: the subscription was charged when it started
      deviceId: null, // joins of a running subscription learn nothing about the client
      requestId,
      locale: request.locale,
      acceptLanguage: request.acceptLanguage,
      authorization: undefined,
      logger: request.logger,
    };
    const eventSource: GraphQLDataSource = {
      // executeQueryPlan merges into what it gets: every group works on its own copy.
      process: async () => ({ data: event.data ? structuredClone(event.data) : event.data, errors: event.errors as never }),
    };
    const serviceMap: ServiceMap = Object.assign(Object.create(this.services) as ServiceMap, { [EVENT_SOURCE]: eventSource });
    const requestContext = {
      request: { variables: request.variables, operationName: request.planned.operationContext.operation.name?.value },
      context,
      logger: request.logger,
      metrics: {},
      overallCachePolicy: undefined,
    } as unknown as RequestContext;
    try {
      const result = await executeQueryPlan(
        request.planned.eventPlan,
        serviceMap,
        requestContext,
        request.planned.operationContext,
        schemas.supergraphSchema,
        schemas.federationApiSchema,
      );
      return this.formatResult({ data: result.data ?? null, ...(result.errors?.length ? { errors: result.errors } : {}) });
    } catch (error) {
      request.logger.error({ err: error, requestId }, 'subscription event execution failed');
      return this.formatResult({ data: null, errors: [error instanceof GraphQLError ? error : new GraphQLError('Unexpected error.', { originalError: error as Error })] });
    }
  }

  /**
   * A plan that is its primary fetch alone, for an event without errors: what executeQueryPlan
   * would do, minus what cannot change its answer. It would copy the event into an empty object
   * (nothing to merge it with), build the client operation again and open tracing spans; then
   * shape the data to the client's selection (computeResponse), which is all that remains here.
   * The bench (issue 18) delivers each chat message as two such events. Shaping builds new
   * objects and never writes to the event, so the event need not be cloned.
   */
  private shapeEvent(operation: Operation, request: DownstreamSubscription, data: Record<string, unknown>): ExecutionResult {
    try {
      // Value-completion problems (computeResponse's errors) go where executeEvent's full path puts
      // them: nowhere, as it passes on only data and the fetch's errors (there are none here).
      const { data: shaped } = computeResponse({ operation, variables: request.variables, input: data, introspectionHandling: () => null });
      return { data: shaped ?? null };
    } catch (error) {
      request.logger.error({ err: error }, 'subscription event shaping failed');
      return this.formatResult({ data: null, errors: [error instanceof GraphQLError ? error : new GraphQLError('Unexpected error.', { originalError: error as Error })] });
    }
  }

  /** Errors as the HTTP path formats them (production masks internals). */
  formatResult(result: ExecutionResult): ExecutionResult {
    if (!result.errors?.length) return result;
    // graphql-ws serializes `next` payloads with error.toJSON(): formatted errors keep one.
    const errors = result.errors.map((thrown) => {
      // A fetch that threw (subgraph unreachable, timeout) reaches executeQueryPlan's errors as a plain Error.
      // Duck-typed: Apollo's GraphQLErrors may come from graphql's other (CJS/ESM) module instance.
      const error = typeof (thrown as Partial<GraphQLError>).toJSON === 'function' ? thrown : new GraphQLError((thrown as Error).message, { originalError: thrown as Error });
      const formatted = this.options.formatError(error.toJSON(), error);
      return { ...formatted, toJSON: () => formatted };
    });
    return { ...result, errors: errors as unknown as ExecutionResult['errors'] };
  }

  async close(): Promise<void> {
    clearTimeout(this.sweepTimer);
    this.sharedResults.clear();
    this.sharedExpiry.length = 0;
    for (const upstream of [...this.upstreams.values()]) upstream.close();
    await this.connections.dispose();
  }
}
