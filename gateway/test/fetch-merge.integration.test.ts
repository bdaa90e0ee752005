// Merged subgraph fetches through the real gateway (GATEWAY_MERGE_FETCHES): two real subgraphs on the
// platform's server (they verify the signed identity), composed into a supergraph whose plan for a
// MyTrades-like query asks the user subgraph for buyers' and sellers' nicknames in one Parallel step.
import { randomBytes } from 'node:crypto';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSubgraphServer, createLogger, signAccessToken, type Identity, type RequestContext } from '@anshim/platform';
import { composeSupergraph } from '../../scripts/lib/compose.ts';
import { NO_SUBGRAPH_ROLES } from './support/gateway-settings.ts';
import { disposeAll, startTestGateway, testRedis, testSecret, type Leftovers } from './support/test-gateway.ts';

const INTERNAL_SECRET = testSecret();
const JWT_SECRET = testSecret();
const ALICE: Identity = { userId: 'alice', role: 'USER' };
const BOB: Identity = { userId: 'bob', role: 'USER' };
/** Whose second trade's buyer the user subgraph fails on: that entity alone (CAROL), or its whole `_entities` field (DAVE). */
const CAROL: Identity = { userId: 'carol', role: 'USER' };
const DAVE: Identity = { userId: 'dave', role: 'USER' };
const FAILING_BUYER: Record<string, string> = { carol: 'ghost', dave: 'void' };
const logger = createLogger('fetch-merge-test', 'silent');

const USER_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
type User @key(fields: "id") { id: ID! nickname: String! }
type Query { me: User }
`;
const TRADE_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
type User @key(fields: "id") { id: ID! transactions: [Trade!]! }
type Trade { id: ID! buyer: User! seller: User! }
`;
const MY_TRADES = '{ me { id nickname transactions { id buyer { id nickname } seller { id nickname } } } }';

const leftovers: Leftovers = [];
/** Each request the user subgraph verified: whose it was and for which client request. */
const seenByUser: Array<{ requestId: string; userId: string | null }> = [];
let merging: string;
let separate: string;

async function subgraph(name: string, sdl: string, resolvers: Record<string, unknown>, seen?: typeof seenByUser): Promise<string> {
  const built = await buildSubgraphServer<RequestContext>({
    name,
    typeDefs: parse(sdl),
    production: false,
    internalSecret: INTERNAL_SECRET,
    logger,
    readiness: [],
    buildContext: (base) => {
      seen?.push({ requestId: base.requestId, userId: base.identity?.userId ?? null });
      return base;
    },
    resolvers: resolvers as never,
  });
  leftovers.push(() => built.stop());
  return (await built.start(0)).url;
}

async function gateway(urls: Record<string, string>, supergraphSdl: string, mergeFetches: boolean): Promise<string> {
  const { url } = await startTestGateway({
    settings: { redis: testRedis('fetch_merge'), subgraphUrls: urls, subgraphRoles: NO_SUBGRAPH_ROLES, subgraphTimeoutMs: 5_000, entityCache: false, mergeFetches },
    supergraphSdl,
    internalSecret: INTERNAL_SECRET,
    jwtSecret: JWT_SECRET,
    logger,
    leftovers,
  });
  return url;
}

beforeAll(async () => {
  const user = await subgraph(
    'user',
    USER_SDL,
    {
      Query: { me: (_: unknown, __: unknown, { identity }: RequestContext) => (identity ? { id: identity.userId, nickname: `nick-${identity.userId}` } : null) },
      // A private answer would come from the caller: the nickname says who asked, so a mixed-up merge shows.
      User: {
        __resolveReference: ({ id }: { id: string }, { identity }: RequestContext) => {
          if (id === 'void') throw new Error('the member store is away'); // fails the whole `_entities` field: data null
          const user = { id, nickname: `nick-${id}-for-${identity?.userId ?? 'anonymous'}` };
          return id === 'ghost' ? Promise.reject(new Error('no such member')) : user; // fails this entity: path [_entities, i]
        },
      },
    },
    seenByUser,
  );
  const trade = await subgraph('trade', TRADE_SDL, {
    User: {
      __resolveReference: ({ id }: { id: string }) => ({ id }),
      transactions: ({ id }: { id: string }) => [
        { id: `${id}-t1`, buyer: { id: 'buyer-1' }, seller: { id } },
        { id: `${id}-t2`, buyer: { id: FAILING_BUYER[id] ?? id }, seller: { id: 'seller-2' } },
        { id: `${id}-t3`, buyer: { id: 'buyer-1' }, seller: { id: 'seller-2' } },
      ],
    },
  });
  const composition = composeSupergraph([
    { name: 'user', sdl: USER_SDL, url: user },
    { name: 'trade', sdl: TRADE_SDL, url: trade },
  ]);
  if (!composition.ok) throw new Error(JSON.stringify(composition.problems));
  merging = await gateway({ user, trade }, composition.supergraphSdl, true);
  separate = await gateway({ user, trade }, composition.supergraphSdl, false);
});

afterAll(() => disposeAll(leftovers));

async function ask(url: string, who: Identity, query = MY_TRADES) {
  const requestId = `merge-${randomBytes(6).toString('hex')}`;
  const { token } = await signAccessToken(JWT_SECRET, who);
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId }, body: JSON.stringify({ query }) });
  const body = (await response.json()) as { data?: unknown; errors?: unknown[] };
  return { body, userRequests: seenByUser.filter((seen) => seen.requestId === requestId) };
}

describe('fetches to one subgraph in one plan step', () => {
  it('go as one request: me, then buyers and sellers together (2 user requests, not 3), with the same answer', async () => {
    const merged = await ask(merging, ALICE);
    const alone = await ask(separate, ALICE);
    expect(alone.userRequests).toHaveLength(3);
    expect(merged.userRequests).toHaveLength(2);
    expect(merged.body).toEqual(alone.body);
    expect(merged.body.errors).toBeUndefined();
    const me = (merged.body.data as { me: { transactions: Array<{ buyer: { nickname: string }; seller: { nickname: string } }> } }).me;
    expect(me.transactions.map((t) => [t.buyer.nickname, t.seller.nickname])).toEqual([
      ['nick-buyer-1-for-alice', 'nick-alice-for-alice'],
      ['nick-alice-for-alice', 'nick-seller-2-for-alice'],
      ['nick-buyer-1-for-alice', 'nick-seller-2-for-alice'],
    ]);
  });

  it('never travel with another caller\'s: concurrent members each get their own requests and answers', async () => {
    // Distinct members: one member's identical reads in flight at once may share (SUBGRAPH_SHARE_INFLIGHT).
    const members: Identity[] = [ALICE, BOB, { userId: 'erin', role: 'USER' }, { userId: 'frank', role: 'USER' }];
    const asked = await Promise.all(members.map((who) => ask(merging, who)));
    for (const [index, who] of members.entries()) {
      const { body, userRequests } = asked[index]!;
      expect(userRequests).toHaveLength(2);
      expect(userRequests.every((seen) => seen.userId === who.userId)).toBe(true);
      for (const other of members) if (other !== who) expect(JSON.stringify(body)).not.toContain(`-for-${other.userId}`);
      expect(JSON.stringify(body)).toContain(`-for-${who.userId}`);
      expect((body.data as { me: { id: string } }).me.id).toBe(who.userId);
    }
  });

  it('keep one fetch\'s error to that fetch: a buyer the user subgraph fails on errs only there, as alone', async () => {
    const merged = await ask(merging, CAROL);
    const alone = await ask(separate, CAROL);
    expect(merged.userRequests).toHaveLength(2);
    expect(merged.body).toEqual(alone.body);
    const errors = merged.body.errors as Array<{ message: string; path?: unknown[] }>;
    expect(errors.map((error) => error.message)).toEqual(['no such member']);
    expect(errors[0]!.path?.slice(0, 2)).toEqual(['me', 'transactions']);
  });

  it('send the innocent fetch again alone when the other one nulls the merged answer\'s data', async () => {
    const merged = await ask(merging, DAVE);
    const alone = await ask(separate, DAVE);
    expect(merged.userRequests).toHaveLength(3); // me, the merged pair (data null), the sellers' fetch again
    expect(merged.body).toEqual(alone.body);
    expect((merged.body.errors as Array<{ message: string }>).map((error) => error.message)).toEqual(['the member store is away']);
  });
});
