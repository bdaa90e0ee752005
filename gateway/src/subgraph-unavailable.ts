import type { GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import type { GraphQLFormattedError } from 'graphql';
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
 * that is each representation (`["_entities", i]`, which @apollo/gateway turns into the entity's
 * path in the client's response); for a root fetch each root field's response key. The rest of
 * the plan runs on: the client gets every other subgraph's data, and null (propagated as far as
 * the schema's nullability says) where this one's would have been.
 */
export function unavailableResponse(request: GatewayGraphQLRequest, service: string, locale: Locale): GatewayGraphQLResponse {
  const message = pick({ ko: MESSAGE.ko(service), en: MESSAGE.en(service) }, locale);
  const extensions = { code: ErrorCode.SUBGRAPH_UNAVAILABLE, service };
  const representations = request.variables?.representations;
  if (Array.isArray(representations)) {
    return { data: null, errors: representations.map((_, index): GraphQLFormattedError => ({ message, path: ['_entities', index], extensions })) };
  }
  return { data: null, errors: responseKeysOf(request).map((key): GraphQLFormattedError => ({ message, path: [key], extensions })) };
}

/** Response keys of the root selection of the subgraph operation (the gateway's own, well-formed query). */
function responseKeysOf(request: GatewayGraphQLRequest): string[] {
  if (!request.query) return [];
  const operation = getOperationAST(parse(request.query), request.operationName);
  return (operation?.selectionSet.selections ?? []).flatMap((selection) =>
    selection.kind === Kind.FIELD && selection.name.value !== '__typename' ? [selection.alias?.value ?? selection.name.value] : [],
  );
}
