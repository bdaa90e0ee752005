// Upstream: how the query planner's fetches reach a subgraph (signed, shared, behind the breaker).
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { randomUUID } from 'node:crypto';
import { DEV_ALLOWANCE_HEADER, bodySha256, graphqlRuntime, signIdentityHeaders, validClientAddress } from '@anshim/platform';
import type { GatewayContext } from '../context.ts';
import type { RawAnswer, SubgraphFetcher } from './subgraph-fetcher.ts';
import { isReadFetch, type InflightFetches } from './inflight-fetches.ts';
import { SubgraphCircuitOpenError, type SubgraphBreaker } from './subgraph-breaker.ts';
import { isSubgraphUnavailable, unavailableResponse } from './subgraph-unavailable.ts';
import type { EntityCache } from './entity-cache.ts';
import type { FetchBatcher, Posted } from './fetch-batcher.ts';
import type { FetchBody } from './fetch-merge.ts';

const { GraphQLError } = graphqlRuntime;

type GatewayGraphQLResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

/** What a proxy in front of a subgraph answers while the subgraph is away. */
const PROXY_AWAY_STATUSES = new Set([502, 503, 504]);

/**
 * Fetches from one subgraph. Every fetch of a client request carries its request id and
 * Accept-Language; a signed-in caller's identity travels HMAC-signed (x-anshim-user).
 *
 * Our own data source rather than RemoteGraphQLDataSource: that one builds a node-fetch Request
 * it never sends, node-fetch Headers and a WHATWG Response per fetch, which cost about a third of
 * the gateway's CPU on the products page (bench/RESULTS.md). This one writes the JSON body and
 * parses the answer straight from the pooled connection, with the same error shapes.
 *
 * With `inflight`, a read identical to one already on its way (same body, same caller, same
 * language) waits for that one's answer instead of asking again (see InflightFetches). With
 * `batcher`, the reads one client request sends this subgraph together go as one request.
 */
export class SubgraphDataSource implements GraphQLDataSource<GatewayContext> {
  private readonly internalSecret: string;
  private readonly forwardAuthorization: boolean;
  private readonly service: string;
  private readonly url: string;
  /** Path and query of `url`, as on the request line the subgraph verifies. */
  private readonly path: string;
  private readonly exchange: SubgraphFetcher['exchange'];
  private readonly inflight: InflightFetches | undefined;
  private readonly breaker: SubgraphBreaker | undefined;
  private readonly entityCache: EntityCache | undefined;
  private readonly batcher: FetchBatcher | undefined;

  constructor(options: {
    name: string;
    url: string;
    fetcher: Pick<SubgraphFetcher, 'exchange'>;
    internalSecret: string;
    forwardAuthorization?: boolean;
    inflight?: InflightFetches;
    breaker?: SubgraphBreaker;
    /** Answers `_entities` reads of hinted public fields from Redis (ENTITY_CACHE). */
    entityCache?: EntityCache;
    /** Merges the reads one client request sends this subgraph together (GATEWAY_MERGE_FETCHES). */
    batcher?: FetchBatcher;
  }) {
    this.service = options.name;
    this.url = options.url;
    const parsed = new URL(options.url);
    this.path = `${parsed.pathname}${parsed.search}`;
    this.exchange = options.fetcher.exchange;
    this.internalSecret = options.internalSecret;
    this.forwardAuthorization = options.forwardAuthorization ?? false;
    this.inflight = options.inflight;
    this.breaker = options.breaker;
    this.entityCache = options.entityCache;
    this.batcher = options.batcher;
  }

  /**
   * A client request whose subgraph is away gets partial data: this fetch answers "no data,
   * SUBGRAPH_UNAVAILABLE here" instead of failing, and the rest of the query plan runs on.
   */
  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    try {
      return await this.send(options);
    } catch (error) {
      const context = options.context as Partial<GatewayContext>;
      if (!context.requestId || !isSubgraphUnavailable(error)) throw error; // schema loading, health checks: as they were
      // While the circuit is open every request would log the same outage: the breaker logged it once.
      if (error instanceof SubgraphCircuitOpenError) context.logger?.debug({ service: this.service }, 'circuit open; answering with partial data');
      else context.logger?.warn({ err: error, service: this.service }, 'subgraph unavailable; answering with partial data');
      return unavailableResponse(options.request, this.service, context.locale ?? 'ko');
    }
  }

  private async send(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    if (!request.query) throw new Error('Missing query');
    const { requestId, identity, locale } = options.context as Partial<GatewayContext>;
    if (this.entityCache && requestId && isReadFetch(request.query)) {
      const { query, variables } = request;
      const ask = (representations: unknown[]) => this.ask(options, { ...variables, representations });
      const cached = await this.entityCache.fetch({ subgraph: this.service, query, variables, identity: identity ?? null, locale: locale ?? 'ko' }, ask);
      if (cached) {
        this.restrictCachePolicy(options, {}); // as the subgraph's answer would: no max-age for entity fields
        return cached;
      }
    }
    return this.ask(options, request.variables);
  }

  /**
   * The subgraph's answer to the request's query with these variables: alone, or with the other
   * reads this client request sends the subgraph in the same turn (see FetchBatcher).
   */
  private async ask(options: GraphQLDataSourceProcessOptions<GatewayContext>, variables: Record<string, unknown> | undefined): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    const query = request.query!; // send() checked it
    const deduped = dedupeRepresentations(variables);
    const fetch: FetchBody = { query, operationName: request.operationName, variables: deduped?.variables ?? variables };
    const owner = this.batchOwner(options, query);
    const { answer, parsed } = owner
      ? await this.batcher!.add(owner, headerGroup(request.http?.headers), fetch, (body) => this.post(options, body))
      : await this.post(options, { ...fetch, extensions: request.extensions });
    if (answer.status < 200 || answer.status > 299) throw errorFromAnswer(answer, parsed);
    if (typeof parsed !== 'object' || parsed === null) throw new Error(`Expected JSON response body, but received: ${String(parsed)}`);
    this.restrictCachePolicy(options, answer.headers);
    return deduped ? expandEntities(parsed as GatewayGraphQLResponse, deduped.positions) : (parsed as GatewayGraphQLResponse);
  }

  /** One exchange with the subgraph: this body, signed for the fetch's caller, shared while in flight. */
  private async post(options: GraphQLDataSourceProcessOptions<GatewayContext>, fetch: FetchBody & { extensions?: Record<string, unknown> }): Promise<Posted> {
    const body = JSON.stringify({ query: fetch.query, operationName: fetch.operationName, variables: fetch.variables, extensions: fetch.extensions });
    const send = () => this.exchange(this.url, { method: 'POST', headers: this.headersFor(options, body), body });
    const exchange = this.breaker ? () => this.breaker!.run(send, (answer) => PROXY_AWAY_STATUSES.has(answer.status)) : send;
    const sharingKey = this.inflight && isReadFetch(fetch.query) ? this.sharingKey(options, body) : undefined;
    const answer = sharingKey ? await this.inflight!.run(sharingKey, exchange) : await exchange();
    return { answer, parsed: parseBody(answer) };
  }

  /**
   * The client request a read may travel with others of (its context): only reads of a client
   * request, without extensions of their own. Undefined: sent alone.
   */
  private batchOwner({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>, query: string): object | undefined {
    if (!this.batcher || !(context as Partial<GatewayContext>).requestId || !isReadFetch(query)) return undefined;
    if (request.extensions && Object.keys(request.extensions).length) return undefined;
    return context as object;
  }

  /**
   * Everything the subgraph's answer may depend on: the body, who asks and in which language.
   * The request id is left out on purpose (it only names the request in logs); fetches without
   * one (schema loading, health checks) are never shared. So is the client info (device id,
   * address): only mutations (sign-ins) read it, and mutations are never shared.
   */
  private sharingKey({ context }: GraphQLDataSourceProcessOptions<GatewayContext>, body: string): string | undefined {
    const { requestId, identity, acceptLanguage, authorization } = context as Partial<GatewayContext>;
    if (!requestId) return undefined;
    const caller = identity ? `${identity.userId}:${identity.role}` : '';
    const token = this.forwardAuthorization && identity ? authorization ?? '' : '';
    return `${caller}\n${acceptLanguage ?? ''}\n${token}\n${body}`;
  }

  /** Signed for this subgraph, path and body, anonymous callers and the gateway's own fetches too. */
  private headersFor({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>, body: string): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const [name, value] of request.http?.headers ?? []) headers[name] = value;
    headers['content-type'] = 'application/json';
    const { requestId, identity, acceptLanguage, authorization, devAllowance, deviceId, clientIp, userAgent } = context as Partial<GatewayContext>;
    const target = { method: 'POST', subgraph: this.service, path: this.path, bodySha256: bodySha256(body) };
    // What the gateway observed about the client travels signed with the identity: services learn
    // sign-in devices and addresses from it, and a member cannot forge either.
    const client = requestId ? { deviceId: deviceId ?? null, address: validClientAddress(clientIp), userAgent: userAgent ?? null } : null;
    Object.assign(headers, signIdentityHeaders(this.internalSecret, identity ?? null, target, requestId ?? `gw-${randomUUID()}`, Date.now(), client));
    if (!requestId) return headers; // not a client request (schema loading, health check)
    if (acceptLanguage) headers['accept-language'] = acceptLanguage;
    // Only the token's owner service sees it: logout needs its jti to revoke it.
    if (this.forwardAuthorization && identity && authorization) headers.authorization = authorization;
    // The user service checks it again itself before it skips its sign-up ration.
    if (devAllowance) headers[DEV_ALLOWANCE_HEADER] = devAllowance;
    return headers;
  }

  /** A subgraph's Cache-Control narrows the whole response's cache policy, as Apollo's data source does. */
  private restrictCachePolicy(options: GraphQLDataSourceProcessOptions<GatewayContext>, headers: RawAnswer['headers']): void {
    if (!('incomingRequestContext' in options)) return; // schema loading, health checks
    const policy = options.incomingRequestContext.overallCachePolicy;
    if (!policy || !('restrict' in policy)) return;
    const header = headers['cache-control'] ?? '';
    const maxAge = /(?:^|,)\s*max-age=(\d+)/i.exec(header)?.[1];
    const scope = /(?:^|,)\s*private\b/i.test(header) ? 'PRIVATE' : /(?:^|,)\s*public\b/i.test(header) ? 'PUBLIC' : undefined;
    policy.restrict({ maxAge: maxAge ? Number(maxAge) : 0, ...(scope ? { scope } : {}) });
  }
}

/**
 * Entity representations, each kept once by its JSON form: add() answers the index the subgraph
 * will see it at. One fetch's repeats here, several subscription join fetches' in JoinBatcher.
 */
export class DistinctRepresentations {
  readonly unique: unknown[] = [];
  private readonly indexOf = new Map<string, number>();

  add(representation: unknown): number {
    const key = JSON.stringify(representation);
    let at = this.indexOf.get(key);
    if (at === undefined) {
      at = this.unique.push(representation) - 1;
      this.indexOf.set(key, at);
    }
    return at;
  }
}

/**
 * A page of 20 products by 2 sellers asks for 20 `User` representations, 18 of them repeats:
 * the subgraph is sent each distinct one once, and its answer is spread back over the positions
 * the query plan expects (`_entities` entries and the paths of their errors).
 */
export function dedupeRepresentations(variables: Record<string, unknown> | undefined): { variables: Record<string, unknown>; positions: number[] } | null {
  const representations = variables?.representations;
  if (!Array.isArray(representations) || representations.length < 2) return null;
  const distinct = new DistinctRepresentations();
  const positions = representations.map((representation) => distinct.add(representation));
  if (distinct.unique.length === representations.length) return null;
  return { variables: { ...variables, representations: distinct.unique }, positions };
}

export function expandEntities(response: GatewayGraphQLResponse, positions: number[]): GatewayGraphQLResponse {
  const entities = (response.data as { _entities?: unknown } | null | undefined)?._entities;
  const data = Array.isArray(entities) ? { ...response.data, _entities: positions.map((at) => entities[at] ?? null) } : response.data;
  const errors = response.errors?.flatMap((error) => {
    const [root, at, ...rest] = error.path ?? [];
    if (root !== '_entities' || typeof at !== 'number') return [error];
    return positions.flatMap((unique, original) => (unique === at ? [{ ...error, path: ['_entities', original, ...rest] }] : []));
  });
  return { ...response, data, ...(errors ? { errors } : {}) };
}

/** Fetches whose own headers differ never share a request (the planner's fetches carry none). */
function headerGroup(headers: Iterable<[string, string]> | undefined): string {
  let group = '';
  for (const [name, value] of headers ?? []) group += `${name}:${value}\n`;
  return group;
}

function parseBody(answer: RawAnswer): unknown {
  const type = answer.headers['content-type'] ?? '';
  const text = answer.body.toString('utf8');
  if (type.startsWith('application/json') || type.startsWith('application/graphql-response+json')) return JSON.parse(text);
  return text;
}

/** The error RemoteGraphQLDataSource raises for a non-2xx answer (partial-failure handling reads its status). */
function errorFromAnswer(answer: RawAnswer, body: unknown) {
  const extensions: Record<string, unknown> = { response: { url: answer.url, status: answer.status, statusText: answer.statusText, body } };
  if (answer.status === 401) extensions.code = 'UNAUTHENTICATED';
  else if (answer.status === 403) extensions.code = 'FORBIDDEN';
  return new GraphQLError(`${answer.status}: ${answer.statusText}`, { extensions });
}
