// Upstream: what a client gets where a subgraph did not answer (partial data, SUBGRAPH_UNAVAILABLE).
import type { GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import type { GraphQLFormattedError, SelectionNode } from 'graphql';
import { ErrorCode, graphqlRuntime, pick, type Locale } from '@anshim/platform';
import { SubgraphUnreachableError } from './subgraph-fetcher.ts';

const { Kind, parse, getOperationAST } = graphqlRuntime;

type GatewayGraphQLRequest = GraphQLDataSourceProcessOptions['request'];
type GatewayGraphQLResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

const MESSAGE = {
  ko: (service: string) => `'${service}' 서비스가 잠시 응답하지 않아 이 정보를 불러오지 못했습니다. 잠시 후 다시 시도해 주세요.`,
  en: (service: string) => `The '${service}' service is not answering right now, so this part could not be loaded. Please try again shortly.`,
};

/** Statuses a proxy in front of a subgraph answers with when the subgraph itself is away. */
const GATEWAY_STATUSES = new Set([502, 503, 504]);

/** The subgraph was not reached (refused, reset, timed out) or a proxy said it is away. */
export function isSubgraphUnavailable(error: unknown): boolean {
  if (error instanceof SubgraphUnreachableError) return true;
  const status = (error as { extensions?: { response?: { status?: unknown } } }).extensions?.response?.status;
  return typeof status === 'number' && GATEWAY_STATUSES.has(status);
}

/**
 * What the gateway makes of a fetch the subgraph never answered: no data, and one
 * SUBGRAPH_UNAVAILABLE error on each place the fetch would have filled. For an `_entities` fetch
 * that is each field of each representation (`["_entities", i, field]`, which @apollo/gateway
 * turns into that field's path in the client's response); for a root fetch each root field. The rest of
 * the plan runs on: the client gets every other subgraph's data, and null (propagated as far as
 * the schema's nullability says) where this one's would have been.
 */
export function unavailableResponse(request: GatewayGraphQLRequest, service: string, locale: Locale): GatewayGraphQLResponse {
  const message = pick({ ko: MESSAGE.ko(service), en: MESSAGE.en(service) }, locale);
  const extensions = { code: ErrorCode.SUBGRAPH_UNAVAILABLE, service };
  const representations = request.variables?.representations;
  if (Array.isArray(representations)) {
    const fieldsByType = entityFieldsOf(request);
    const errors = representations.flatMap((representation: { __typename?: string }, index): GraphQLFormattedError[] => {
      const keys = fieldsByType.get(representation?.__typename ?? '') ?? [];
      return keys.length ? keys.map((key) => ({ message, path: ['_entities', index, key], extensions })) : [{ message, path: ['_entities', index], extensions }];
    });
    return { data: null, errors };
  }
  return { data: null, errors: responseKeysOf(request).map((key): GraphQLFormattedError => ({ message, path: [key], extensions })) };
}

function operationOf(request: GatewayGraphQLRequest) {
  return request.query ? getOperationAST(parse(request.query), request.operationName) : null;
}

type Selections = ReadonlyArray<SelectionNode>;

const fieldKeys = (selections: Selections): string[] =>
  selections.flatMap((selection) => (selection.kind === Kind.FIELD && selection.name.value !== '__typename' ? [selection.alias?.value ?? selection.name.value] : []));

/**
 * The fields an `_entities` fetch asks of each entity type (`... on User { activeSanction }`),
 * so that each missing field gets its own error at its own path.
 */
function entityFieldsOf(request: GatewayGraphQLRequest): Map<string, string[]> {
  const entities = operationOf(request)?.selectionSet.selections.find((selection) => selection.kind === Kind.FIELD && selection.name.value === '_entities');
  const byType = new Map<string, string[]>();
  if (entities?.kind !== Kind.FIELD || !entities.selectionSet) return byType;
  for (const selection of entities.selectionSet.selections) {
    if (selection.kind !== Kind.INLINE_FRAGMENT || !selection.typeCondition) continue;
    const type = selection.typeCondition.name.value;
    byType.set(type, [...(byType.get(type) ?? []), ...fieldKeys(selection.selectionSet.selections)]);
  }
  return byType;
}

/** Response keys of the root selection of the subgraph operation (the gateway's own, well-formed query). */
function responseKeysOf(request: GatewayGraphQLRequest): string[] {
  return fieldKeys(operationOf(request)?.selectionSet.selections ?? []);
}
