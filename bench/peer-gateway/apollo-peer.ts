// The stock peer: @apollo/gateway on Apollo Server's standalone HTTP server, as the design card
// would have it (no data source, sharing or cache of ours), on the supergraph file in argv[2] and
// the port in PORT. The one addition is what our subgraphs require of any caller: each request is
// signed (peer-identity.ts), inside the data source's stock fetcher, over the exact body it sends.
//   node --import tsx bench/peer-gateway/apollo-peer.ts <supergraph.graphql>   (started by bench/gateway-mix)
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import type { Identity } from '../../packages/platform/src/identity.ts';
import { peerSignerFromEnv } from './peer-identity.ts';

interface PeerContext {
  identity: Identity | null;
}

type Fetcher = (url: string, init: { headers: Record<string, string>; body: string }) => Promise<unknown>;
// Carries the caller's identity from willSendRequest to the fetcher, where the body is final.
const IDENTITY_HANDOFF = 'x-bench-peer-identity';

const signer = peerSignerFromEnv();

function signedDataSource(url: string): RemoteGraphQLDataSource<PeerContext> {
  const source = new RemoteGraphQLDataSource<PeerContext>({
    url,
    willSendRequest({ request, context }) {
      request.http?.headers.set(IDENTITY_HANDOFF, JSON.stringify(context.identity ?? null));
    },
  });
  const holder = source as unknown as { fetcher: Fetcher };
  const stockFetcher = holder.fetcher;
  holder.fetcher = (target, init) => {
    const { [IDENTITY_HANDOFF]: handoff, ...headers } = init.headers;
    const identity = JSON.parse(handoff ?? 'null') as Identity | null;
    return stockFetcher(target, { ...init, headers: { ...headers, ...signer.headersFor(target, init.body, identity) } });
  };
  return source;
}

const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(process.argv[2]!, 'utf8'),
  buildService: ({ url }) => signedDataSource(url!),
});
const server = new ApolloServer<PeerContext>({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(process.env.PORT ?? 0), host: '127.0.0.1' },
  context: async ({ req }) => ({ identity: await signer.identityOf(req.headers.authorization) }),
});
console.log(`apollo peer listening at ${url}`);
