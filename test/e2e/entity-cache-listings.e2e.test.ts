// The gateway entity cache for Product.sellerSafety (docs/caching.md, "Fields that depend on other
// entities"), against real processes: user, transaction and safety subgraphs, the safety worker, the
// gateway with ENTITY_CACHE on. The answer depends on the product's copy in safety, the seller's score
// and the category's prices: a change to any of them reaches the next read within a second; a read in
// between is served from Redis (the subgraph is not asked); languages never share an entry.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedis, ENTITY_VERSION_TTL_SECONDS, type Redis } from '@anshim/platform';
import { graphql, startStack, type Stack } from '../support/stack.ts';
import { startProcess, type StartedProcess } from '../support/processes.ts';
import { devMessages } from '../support/dev-messages.ts';
import { waitFor } from '../support/wait-for.ts';
import messages from '../../subgraphs/safety/src/messages.json' with { type: 'json' };

const UNKNOWN = [messages.HINT_TEXT.SELLER_UNKNOWN.ko, messages.HINT_TEXT.SELLER_UNKNOWN.en];
const STEEP_CUT = [messages.HINT_TEXT.STEEP_PRICE_CUT.ko, messages.HINT_TEXT.STEEP_PRICE_CUT.en];

let stack: Stack;
let redis: Redis;
/** A gateway with ENTITY_CACHE=false: the subgraph's truth, to measure the cached view's lag against. */
let uncached: StartedProcess;
beforeAll(async () => {
  stack = await startStack({
    subgraphs: ['user', 'transaction', 'safety'],
    workers: ['safety'],
    env: { ENTITY_CACHE: 'true', SAFETY_NIGHTLY_ENABLED: 'false' },
  });
  redis = createRedis({ url: inject('redisUrl'), prefix: stack.env.REDIS_PREFIX! });
  uncached = await startProcess('gateway-uncached', 'gateway/src/index.ts', { ...stack.env, ENTITY_CACHE: 'false', GATEWAY_PORT: '0', SUBGRAPH_URLS: JSON.stringify(stack.subgraphUrls) });
}, 300_000);
afterAll(async () => {
  await uncached?.stop();
  redis?.disconnect();
  await stack?.stop();
});

interface Panel {
  label: string;
  accessibleText: string;
  hints: string[];
}
interface Member {
  id: string;
  token: string;
  email: string;
}

async function ok<T>(query: string, variables: Record<string, unknown>, token?: string, language?: string, url = stack.gatewayUrl): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (language) headers['accept-language'] = language;
  const result = await graphql<T>(url, query, variables, headers);
  if (result.body.errors) throw new Error(JSON.stringify(result.body.errors));
  return result.body.data!;
}

async function register(): Promise<Member> {
  const email = `listing.${randomBytes(5).toString('hex')}@example.com`;
  const data = await ok<{ register: { accessToken: string; user: { id: string } } }>(`mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }`, {
    input: { email, password: 'correct horse battery', nickname: '판매자' },
  });
  return { id: data.register.user.id, token: data.register.accessToken, email };
}

async function list(seller: Member, category: string, price: number): Promise<string> {
  const input = { title: `캐시 시험 상품 ${randomBytes(3).toString('hex')}`, description: '상태 좋아요, 직거래 가능', price, category };
  return (await ok<{ createProduct: { id: string } }>(`mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`, { input }, seller.token)).createProduct.id;
}

/** Only the safety subgraph is asked by `_entities` here: the product itself is the root field's. */
async function panel(productId: string, token?: string, language?: string, url = stack.gatewayUrl): Promise<Panel> {
  const data = await ok<{ product: { sellerSafety: Panel } | null }>(`query($id: ID!) { product(id: $id) { id sellerSafety { label accessibleText hints } } }`, { id: productId }, token, language, url);
  return data.product!.sellerSafety;
}

async function counts(): Promise<Record<string, number>> {
  const text = await (await fetch(`${stack.operationsUrls.gateway!}/metrics`)).text();
  const found: Record<string, number> = {};
  for (const match of text.matchAll(/^gateway_entity_cache_(\w+)_total\{[^}]*\} (\d+)/gm)) found[match[1]!] = Number(match[2]);
  return found;
}

/** Waits until none of these versions was bumped in the last 1.2 s (a relay's second bump would discard a planted entry). */
async function settled(keys: string[]): Promise<void> {
  await waitFor('the versions to settle', async () => {
    for (const key of keys) {
      const left = await redis.pttl(key);
      if (left >= 0 && ENTITY_VERSION_TTL_SECONDS * 1_000 - left < 1_200) return false;
    }
    return true;
  }, { timeoutMs: 10_000, intervalMs: 50 });
}

const entriesOf = (productId: string) => redis.keys(`${stack.env.REDIS_PREFIX}:ec:e:safety:Product:${productId}:*`);

/** Marks every cached panel of the product (versions and dependencies kept): who reads one, sees the mark. */
async function poison(productId: string, locale?: string): Promise<number> {
  const keys = (await entriesOf(productId)).filter((key) => !locale || key.endsWith(`:${locale}`));
  for (const prefixed of keys) {
    const key = prefixed.slice(`${stack.env.REDIS_PREFIX}:`.length);
    const stored = JSON.parse((await redis.get(key))!) as { v: string; d: { sellerSafety: Panel }; x?: Record<string, string> };
    stored.d.sellerSafety.label = 'POISONED';
    await redis.set(key, JSON.stringify(stored), 'EX', 600);
  }
  return keys.length;
}

/** A listing whose copy safety holds, its panel cached by an anonymous read and marked, every version settled. */
async function cachedAndPoisoned(seller: Member, category: string, price: number): Promise<string> {
  const product = await list(seller, category, price);
  await waitFor('safety to know the listing', async () => !(await panel(product)).hints.some((hint) => UNKNOWN.includes(hint)), { timeoutMs: 20_000, intervalMs: 100 });
  await settled([`ec:v:safety:Product:${product}`, `ec:v:safety:User:${seller.id}`, `ec:v:safety:ProductCategory:${category}`]);
  await panel(product); // the entry, against settled versions
  expect(await poison(product)).toBeGreaterThanOrEqual(1);
  const before = await counts();
  expect((await panel(product)).label).toBe('POISONED');
  expect((await counts()).hits! - before.hits!).toBe(1);
  return product;
}

/** Samples `truth` and the cached panel together until the panel is fresh; the lag from the truth's change. */
async function lagUntilFresh(product: string, truth: () => Promise<boolean>): Promise<number> {
  let truthAt: number | undefined;
  return waitFor('the cached panel to follow', async () => {
    const sampledAt = Date.now();
    const [changed, seen] = await Promise.all([truth(), panel(product)]);
    if (changed) truthAt ??= sampledAt;
    return truthAt !== undefined && seen.label !== 'POISONED' && sampledAt - truthAt + 1; // +1: 0 ms is a lag too
  }, { timeoutMs: 20_000, intervalMs: 10 }).then((lag) => lag - 1);
}

describe('the gateway entity cache for Product.sellerSafety', () => {
  it('follows the seller\'s new score within a second (a dependency the answer names)', async () => {
    const seller = await register();
    const product = await cachedAndPoisoned(seller, 'DIGITAL', 120_000);
    const scoreQuery = `query($id: ID!) { user(id: $id) { safetyScore { version } } }`;
    const versionNow = async () => (await ok<{ user: { safetyScore: { version: number } } }>(scoreQuery, { id: seller.id }, seller.token)).user.safetyScore.version;
    const first = await versionNow();

    // Verifying the email stores a new score (user.verified → the safety worker): the seller's own view is the truth.
    const auth = seller.token;
    const challenge = await ok<{ requestVerification: { id: string } }>('mutation { requestVerification(method: EMAIL) { id } }', {}, auth);
    const code = /\b(\d{6})\b/.exec((await devMessages(stack.operationsUrls.user!, seller.email))[0]!.text)?.[1];
    await ok('mutation($id: ID!, $code: String!) { confirmVerification(challengeId: $id, code: $code) { id } }', { id: challenge.requestVerification.id, code }, auth);
    expect(await lagUntilFresh(product, async () => (await versionNow()) > first)).toBeLessThanOrEqual(1_000);
  }, 120_000);

  it('follows its own price change and another listing in its category within a second', async () => {
    const seller = await register();
    const category = 'HOBBY';
    const product = await cachedAndPoisoned(seller, category, 100_000);
    // The product's own copy in safety: a steep cut is a listing-level hint (safety's truth: the uncached gateway).
    await ok('mutation($id: ID!, $price: Int!) { updateProductPrice(id: $id, price: $price) { id } }', { id: product, price: 50_000 }, seller.token);
    const steep = (seen: Panel) => seen.hints.some((hint) => STEEP_CUT.includes(hint));
    const truthUrl = `http://127.0.0.1:${uncached.port}/graphql`;
    expect(await lagUntilFresh(product, async () => steep(await panel(product, undefined, undefined, truthUrl)))).toBeLessThanOrEqual(1_000);
    expect(steep(await panel(product))).toBe(true);

    // Another seller's listing in the same category moves its prices (the median behind PRICE_FAR_BELOW).
    await settled([`ec:v:safety:Product:${product}`, `ec:v:safety:ProductCategory:${category}`]);
    await panel(product);
    expect(await poison(product)).toBeGreaterThanOrEqual(1);
    expect((await panel(product)).label).toBe('POISONED');
    const other = await register();
    const theirs = await list(other, category, 300_000);
    const known = async () => !(await panel(theirs, undefined, undefined, truthUrl)).hints.some((hint) => UNKNOWN.includes(hint));
    const categoryLag = await lagUntilFresh(product, known);
    expect(categoryLag).toBeLessThanOrEqual(1_000);
  }, 120_000);

  it('keeps one entry per language, and every viewer shares the public panel', async () => {
    const seller = await register();
    const viewer = await register();
    const product = await cachedAndPoisoned(seller, 'BOOKS', 15_000);
    // The poisoned entry is the Korean one: the English reader gets the subgraph's answer, in English.
    const english = await panel(product, undefined, 'en');
    expect(english.label).not.toBe('POISONED');
    expect(english.accessibleText).toMatch(/Safety grade/);
    // Members (the seller too: the panel is the same for everyone) read the shared Korean entry.
    expect((await panel(product, viewer.token)).label).toBe('POISONED');
    expect((await panel(product, seller.token)).label).toBe('POISONED');
  }, 60_000);
});
