// The three read workloads of gateway-mix, as deterministic request streams: the same seed gives
// every peer the same requests in the same order on each connection, so no peer meets an easier
// mix. Cursors are made from the seeded rows themselves (the transaction subgraph's own encoding),
// so "page 2" requests start where a real client would after reading page 1.
import { SeededRandom } from '../../scripts/lib/seed-random.ts';
import { encodeCursor, type ProductSort } from '../../subgraphs/transaction/src/products/cursor.ts';
import { CATEGORY_CODES } from '../../subgraphs/transaction/src/products/categories.ts';

export type WorkloadName = 'W1' | 'W2' | 'W3';

export const WORKLOAD_LABELS: Record<WorkloadName, string> = {
  W1: 'W1 anonymous browsing',
  W2: 'W2 signed-in members',
  W3: 'W3 one identical page',
};

/** One request: the JSON body, and the member's access token for W2. */
export interface MixRequest {
  body: string;
  token?: string;
}

/** What the workloads draw from: the seeded listings (for cursors and detail pages) and members' tokens. */
export interface MixData {
  products: Array<{ id: string; price: number; createdAt: Date; sellerScore: number }>;
  /** Search words that occur in seeded titles. */
  searchWords: string[];
  /** Access tokens of the W2 members (refreshed before each round: they live 15 minutes). */
  tokens: string[];
}

const CARD = 'id title price category region createdAt seller { id nickname } sellerSafety { grade label color icon }';
const LISTING = `query Listing($filter: ProductFilter, $sort: ProductSort, $after: String) {
  products(filter: $filter, sort: $sort, first: 20, after: $after) {
    edges { cursor node { ${CARD} } } pageInfo { hasNextPage endCursor } totalCount } }`;
const DETAIL = `query Detail($id: ID!) {
  product(id: $id) { id title description price category status imageUrls region createdAt riskWarnings
    sellerSafety { grade label color icon badges message accessibleText }
    seller { id nickname createdAt safetyDisplay { grade label badges message } tradeStats { completed completionRate averageRating } } } }`;
const ME = `query Me { me { id nickname email profileCompleteness
  safetyScore { value grade version factors { code contribution description } }
  safetyDisplay { grade label color icon badges message }
  tradeStats { completed cancelled disputed completionRate averageRating } } }`;
const MY_TRADES = `query MyTrades { me { id transactions(first: 10) { id status price createdAt updatedAt
  product { id title price } buyer { id nickname } seller { id nickname safetyDisplay { grade label } } } } }`;
const MY_CONVERSATIONS = `query MyConversations { conversations(first: 10) { id createdAt unreadCount safetyNotice
  product { id title price status } counterpart { id nickname safetyDisplay { grade label icon } }
  lastMessage { id text masked sentAt } } }`;
/** Today's peer-gateway page (bench/peer-gateway.ts): every client asks for exactly this. */
export const IDENTICAL_PAGE = `query ProductsPage {
  products(first: 20) { edges { node { id title price sellerSafety { grade label color icon }
    seller { nickname safetyScore { grade value } } } } }
}`;

const SORTS: ProductSort[] = ['NEWEST', 'PRICE_ASC', 'PRICE_DESC', 'SELLER_SAFETY'];
const GRADES_AT_LEAST = ['VERY_SAFE', 'SAFE', 'NORMAL'] as const;
const PRICE_BANDS: Array<[number, number]> = [[0, 30_000], [10_000, 100_000], [50_000, 300_000], [100_000, 1_000_000]];

const body = (query: string, variables?: Record<string, unknown>) => JSON.stringify(variables ? { query, variables } : { query });

/** A cursor as if the client had read up to `product` in `sort` order. */
function cursorAt(product: MixData['products'][number], sort: ProductSort): string {
  if (sort === 'NEWEST') return encodeCursor({ sort, createdAt: product.createdAt, id: product.id });
  if (sort === 'SELLER_SAFETY') return encodeCursor({ sort, score: product.sellerScore, createdAt: product.createdAt, id: product.id });
  return encodeCursor({ sort, price: product.price, id: product.id });
}

/** A listing page a browsing visitor might ask for: some filters, a sort, sometimes a later page. */
function listingRequest(random: SeededRandom, data: MixData, options: { minSellerGrade?: boolean }): string {
  const filter: Record<string, unknown> = {};
  if (random.chance(0.35)) filter.category = random.pick(CATEGORY_CODES);
  if (random.chance(0.25)) filter.search = random.pick(data.searchWords);
  if (random.chance(0.2)) [filter.minPrice, filter.maxPrice] = random.pick(PRICE_BANDS);
  if (options.minSellerGrade) filter.minSellerGrade = random.pick(GRADES_AT_LEAST);
  const sort = random.pick(SORTS);
  // One page in three is a later page: a cursor somewhere in the catalogue (filters may leave it empty).
  const after = random.chance(0.33) ? cursorAt(random.pick(data.products), sort) : undefined;
  return body(LISTING, { filter: Object.keys(filter).length ? filter : undefined, sort, after });
}

function anonymousRequest(random: SeededRandom, data: MixData): MixRequest {
  if (random.chance(0.6)) return { body: listingRequest(random, data, {}) };
  return { body: body(DETAIL, { id: random.pick(data.products).id }) };
}

function memberRequest(random: SeededRandom, data: MixData): MixRequest {
  const token = random.pick(data.tokens);
  const kind = random.int(0, 3);
  if (kind === 0) return { token, body: body(ME) };
  if (kind === 1) return { token, body: body(MY_TRADES) };
  if (kind === 2) return { token, body: body(MY_CONVERSATIONS) };
  return { token, body: listingRequest(random, data, { minSellerGrade: true }) };
}

/**
 * The request stream of one connection: deterministic in (seed, workload, round, connection), so
 * each peer gets the identical sequence in a round.
 */
export function requestStream(workload: WorkloadName, data: MixData, seed: number): () => MixRequest {
  const random = new SeededRandom(seed);
  if (workload === 'W3') {
    const identical = { body: body(IDENTICAL_PAGE) };
    return () => identical;
  }
  return workload === 'W1' ? () => anonymousRequest(random, data) : () => memberRequest(random, data);
}

/** The stream seed of one connection in one round. */
export function streamSeed(baseSeed: number, workload: WorkloadName, round: number, connection: number): number {
  return (baseSeed * 1_000_003 + workload.charCodeAt(1) * 10_007 + round * 101 + connection) >>> 0;
}
