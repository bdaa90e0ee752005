import { parse } from 'graphql';
import { buildSubgraphServer, createLogger, type RequestContext, type ServiceServer } from '@anshim/platform';

/** The part of subgraphs/user/schema.graphql the gateway tests need, plus one subscription field. */
export const USER_SUBGRAPH_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

enum Role { USER ADMIN }

type User @key(fields: "id") {
  id: ID!
  nickname: String!
  role: Role!
}

type Query {
  me: User
  user(id: ID!): User
}

type Subscription {
  userChanged: User
}
`;

/** `user(id: EXPLODING_USER_ID)` fails the way a broken database would, leaking internals. */
export const EXPLODING_USER_ID = 'explode';
export const LEAKED_DETAIL = 'connect ECONNREFUSED db-internal.anshim:5432';

/** What the subgraph saw of one request, after it verified the signed identity headers. */
export type SeenRequest = Pick<RequestContext, 'identity' | 'requestId' | 'locale'>;

export interface TestUserSubgraph {
  server: ServiceServer;
  seen: SeenRequest[];
  /** The signed client info (device id, address) each request id carried. */
  clients: Map<string, RequestContext['client']>;
}

/**
 * A tiny real subgraph on the platform's server: it refuses unsigned, stale or forged identity
 * headers (verifyIdentityHeaders) and answers `me` with the verified identity.
 */
export async function buildTestUserSubgraph(internalSecret: string): Promise<TestUserSubgraph> {
  const seen: SeenRequest[] = [];
  const clients = new Map<string, RequestContext['client']>();
  const logger = createLogger('test-user-subgraph', 'silent');
  const server = await buildSubgraphServer<RequestContext>({
    name: 'user',
    typeDefs: parse(USER_SUBGRAPH_SDL),
    production: false,
    internalSecret,
    logger,
    readiness: [],
    buildContext: (base) => {
      seen.push({ identity: base.identity, requestId: base.requestId, locale: base.locale });
      clients.set(base.requestId, base.client);
      return base;
    },
    resolvers: {
      Query: {
        me: (_: unknown, __: unknown, { identity }: RequestContext) =>
          identity ? { id: identity.userId, nickname: `nick-${identity.userId}`, role: identity.role } : null,
        user: (_: unknown, { id }: { id: string }) => {
          if (id === EXPLODING_USER_ID) throw new Error(LEAKED_DETAIL);
          return { id, nickname: `nick-${id}`, role: 'USER' };
        },
      },
      Subscription: {
        userChanged: { subscribe: async function* () { yield { userChanged: null }; } },
      },
    },
  });
  return { server, seen, clients };
}
