import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { REQUEST_ID_HEADER, signIdentityHeaders } from '@anshim/platform';
import type { GatewayContext } from './context.ts';
import type { Fetcher } from './subgraph-fetcher.ts';
import { isSubgraphUnavailable, unavailableResponse } from './subgraph-unavailable.ts';

/**
 * Fetches from one subgraph. Every fetch of a client request carries its request id and
 * Accept-Language; a signed-in caller's identity travels HMAC-signed (x-anshim-user).
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly internalSecret: string;
  private readonly forwardAuthorization: boolean;
  private readonly service: string;

  constructor(options: { name: string; url: string; fetcher: Fetcher; internalSecret: string; forwardAuthorization?: boolean }) {
    super({ url: options.url, fetcher: options.fetcher });
    // Assigned after super(): its constructor copies the config object onto `this`.
    this.service = options.name;
    this.internalSecret = options.internalSecret;
    this.forwardAuthorization = options.forwardAuthorization ?? false;
  }

  /**
   * A client request whose subgraph is away gets partial data: this fetch answers "no data,
   * SUBGRAPH_UNAVAILABLE here" instead of failing, and the rest of the query plan runs on.
   */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): ReturnType<RemoteGraphQLDataSource<GatewayContext>['process']> {
    try {
      return await super.process(options);
    } catch (error) {
      const context = options.context as Partial<GatewayContext>;
      if (!context.requestId || !isSubgraphUnavailable(error)) throw error; // schema loading, health checks: as they were
      context.logger?.warn({ err: error, service: this.service }, 'subgraph unavailable; answering with partial data');
      return unavailableResponse(options.request, this.service, context.locale ?? 'ko');
    }
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = request.http?.headers;
    const { requestId, identity, acceptLanguage, authorization } = context as Partial<GatewayContext>;
    if (!headers || !requestId) return; // not a client request (schema loading, health check)
    const forwarded = identity ? signIdentityHeaders(this.internalSecret, identity, requestId) : { [REQUEST_ID_HEADER]: requestId };
    for (const [name, value] of Object.entries(forwarded)) headers.set(name, value);
    if (acceptLanguage) headers.set('accept-language', acceptLanguage);
    // Only the token's owner service sees it: logout needs its jti to revoke it.
    if (this.forwardAuthorization && identity && authorization) headers.set('authorization', authorization);
  }
}
