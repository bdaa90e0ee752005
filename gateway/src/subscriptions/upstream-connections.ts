// The gateway's connections to the subgraphs that serve subscriptions: one graphql-ws client per
// subgraph, multiplexing every upstream subscription to it over one socket. The socket opens with
// the first subscription and closes a little after the last (lazy), and each (re)connect is signed
// for that subgraph, which refuses an unsigned connection.
import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { connectionTarget, signIdentityHeaders, type Logger } from '@anshim/platform';

export interface UpstreamConnectionsOptions {
  /** Subgraph name → its HTTP GraphQL URL; graphql-ws connects to the same URL as ws(s)://. */
  subgraphUrls: ReadonlyMap<string, string>;
  internalSecret: string;
  logger: Logger;
}

function toWebSocketUrl(url: string): string {
  return url.replace(/^http/i, 'ws');
}

export class UpstreamConnections {
  private readonly clients = new Map<string, Client>();

  constructor(private readonly options: UpstreamConnectionsOptions) {}

  /** The one client for `subgraph`, created on first use. */
  to(subgraph: string): Client {
    let client = this.clients.get(subgraph);
    if (client) return client;
    const url = this.options.subgraphUrls.get(subgraph);
    if (!url) throw new GraphQLError(`No URL for subgraph ${subgraph}.`, { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    client = createClient({
      url: toWebSocketUrl(url),
      webSocketImpl: WebSocket,
      lazy: true,
      lazyCloseTimeout: 5_000,
      keepAlive: 10_000,
      // The upstream subscription retries itself: graphql-ws would resend the first, by then stale, signature.
      retryAttempts: 0,
      // Signed for this subgraph at every (re)connect: the subgraph refuses an unsigned connection.
      connectionParams: () => ({ headers: signIdentityHeaders(this.options.internalSecret, null, connectionTarget(subgraph), `gw-conn-${randomUUID()}`) }),
      on: {
        error: (error) => this.options.logger.warn({ subgraph, err: error }, 'upstream graphql-ws error'),
      },
    });
    this.clients.set(subgraph, client);
    return client;
  }

  /** Closes every connection (on stop, after their subscriptions were closed). */
  async dispose(): Promise<void> {
    await Promise.all([...this.clients.values()].map((client) => client.dispose()));
    this.clients.clear();
  }
}
