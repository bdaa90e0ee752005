// Products over HTTP against real PostgreSQL and Redis: creation rules (each refusal coded and
// nothing written), visibility, price changes with events, listing filters, sorts and cursors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProduct, CREATE_PRODUCT, hex, membersOfThisFile, newUser, onlyError, productInput, PRODUCT_FIELDS, rowsNaming, TransactionHarness } from './support/harness.ts';

const h = new TransactionHarness();
beforeAll(() => h.start());
afterAll(() => h.stop());

async function snapshot() {
  // The rows naming this file's own members: a file beside this one may be listing products right now.
  const { products, attachedImages: uploads, outbox } = await rowsNaming(h, [...membersOfThisFile]);
  return { products, uploads, outbox };
}

async function expectNothingWritten<T>(action: () => Promise<T>): Promise<T> {
  const before = await snapshot();
  const result = await action();
  expect(await snapshot()).toEqual(before);
  return result;
}

const LIST = /* GraphQL */ `
  query List($filter: ProductFilter, $sort: ProductSort, $first: Int, $after: String) {
    products(filter: $filter, sort: $sort, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id title price status } }
    }
  }
`;

describe('createProduct refuses bad input and writes nothing', () => {
  const seller = newUser();
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['an empty title', { title: '   ' }, 'title'],
    ['a one-character title', { title: '가' }, 'title'],
    ['an 81-character title', { title: '가'.repeat(81) }, 'title'],
    ['a description over 5,000 characters', { description: 'a'.repeat(5_001) }, 'description'],
    ['a negative price', { price: -1 }, 'price'],
    ['a price over 100,000,000 won', { price: 100_000_001 }, 'price'],
    ['an unknown category', { category: 'WEAPONS' }, 'category'],
    ['11 images', { imageKeys: Array.from({ length: 11 }, (_, i) => `products/x/${i}.jpg`) }, 'imageKeys'],
  ];
  it.each(cases)('%s → BAD_USER_INPUT naming the field', async (_name, overrides, field) => {
    const result = await expectNothingWritten(() => h.gql(CREATE_PRODUCT, { input: productInput(overrides) }, { identity: seller }));
    const error = onlyError(result);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.fields.map((f: { field: string }) => f.field)).toEqual([field]);
  });

  it('a huge price is refused by GraphQL itself (Int is 32-bit) with a code', async () => {
    const result = await expectNothingWritten(() => h.gql(CREATE_PRODUCT, { input: productInput({ price: 99_999_999_999 }) }, { identity: seller }));
    expect(onlyError(result).code).toBe('BAD_USER_INPUT');
  });

  it('anonymous callers are refused → UNAUTHENTICATED', async () => {
    const result = await expectNothingWritten(() => h.gql(CREATE_PRODUCT, { input: productInput() }));
    expect(onlyError(result).code).toBe('UNAUTHENTICATED');
  });

  it('speaks English when asked', async () => {
    const result = await h.gql(CREATE_PRODUCT, { input: productInput({ price: -5 }) }, { identity: seller, lang: 'en' });
    expect(onlyError(result).message).toContain('whole number of won');
  });
});

describe('products: create, read, change', () => {
  const seller = newUser();
  const stranger = newUser();

  it('creates a product (0 won is allowed), emits product.created, and reads it back', async () => {
    const created = await createProduct(h, seller, { price: 0, title: '무료 나눔 화분' });
    expect(created.price).toBe(0);
    const row = await h.prisma.outboxEvent.findFirst({ where: { type: 'product.created', payload: { path: ['data', 'productId'], equals: created.id } }, select: { topic: true, payload: true } });
    expect(row?.topic).toBe('transaction.events');
    expect((row?.payload as { data: Record<string, unknown> }).data).toMatchObject({ sellerId: seller.userId, price: 0, category: 'SPORTS', imageCount: 0 });
    const read = await h.ok<{ product: Record<string, unknown> }>(`query($id: ID!) { product(id: $id) { ${PRODUCT_FIELDS} } }`, { id: created.id });
    expect(read.product).toMatchObject({ id: created.id, status: 'ON_SALE', seller: { id: seller.userId }, imageUrls: [] });
  });

  it('unknown or malformed ids read as null; changing them is NOT_FOUND', async () => {
    const read = await h.ok<{ a: null; b: null }>(`{ a: product(id: "00000000-0000-4000-8000-000000000000") { id } b: product(id: "nope") { id } }`);
    expect(read).toEqual({ a: null, b: null });
    const change = await expectNothingWritten(() => h.gql(`mutation { updateProductPrice(id: "00000000-0000-4000-8000-000000000000", price: 10) { id } }`, {}, { identity: seller }));
    expect(onlyError(change).code).toBe('NOT_FOUND');
  });

  it('only the seller changes the price; the change is an event with old and new price', async () => {
    const { id } = await createProduct(h, seller, { price: 50_000 });
    const refused = await expectNothingWritten(() => h.gql(`mutation($id: ID!) { updateProductPrice(id: $id, price: 1) { id } }`, { id }, { identity: stranger }));
    expect(onlyError(refused).code).toBe('FORBIDDEN');
    const bad = await expectNothingWritten(() => h.gql(`mutation($id: ID!) { updateProductPrice(id: $id, price: -3) { id } }`, { id }, { identity: seller }));
    expect(onlyError(bad).code).toBe('BAD_USER_INPUT');
    const changed = await h.ok<{ updateProductPrice: { price: number } }>(`mutation($id: ID!) { updateProductPrice(id: $id, price: 45000) { price } }`, { id }, { identity: seller });
    expect(changed.updateProductPrice.price).toBe(45_000);
    const event = await h.prisma.outboxEvent.findFirst({ where: { type: 'product.price_changed', payload: { path: ['data', 'productId'], equals: id } }, select: { payload: true } });
    expect((event?.payload as { data: Record<string, unknown> }).data).toMatchObject({ oldPrice: 50_000, newPrice: 45_000 });
    // The detail cache was invalidated by the write.
    const read = await h.ok<{ product: { price: number } }>(`query($id: ID!) { product(id: $id) { price } }`, { id });
    expect(read.product.price).toBe(45_000);
  });

  it('hidden products disappear for others, stay visible to the seller, and come back', async () => {
    const { id } = await createProduct(h, seller);
    const hidden = await h.ok<{ hideProduct: { status: string } }>(`mutation($id: ID!) { hideProduct(id: $id) { status } }`, { id }, { identity: seller });
    expect(hidden.hideProduct.status).toBe('HIDDEN');
    expect((await h.ok<{ product: null }>(`query($id: ID!) { product(id: $id) { id } }`, { id }, { identity: stranger })).product).toBeNull();
    expect((await h.ok<{ product: { id: string } }>(`query($id: ID!) { product(id: $id) { id } }`, { id }, { identity: seller })).product.id).toBe(id);
    const again = await h.gql(`mutation($id: ID!) { hideProduct(id: $id) { status } }`, { id }, { identity: seller });
    expect(onlyError(again).code).toBe('BAD_USER_INPUT');
    const shown = await h.ok<{ unhideProduct: { status: string } }>(`mutation($id: ID!) { unhideProduct(id: $id) { status } }`, { id }, { identity: seller });
    expect(shown.unhideProduct.status).toBe('ON_SALE');
    const events = await h.prisma.outboxEvent.findMany({ where: { type: 'product.status_changed', payload: { path: ['data', 'productId'], equals: id } }, select: { payload: true }, orderBy: { createdAt: 'asc' } });
    expect(events.map((e) => (e.payload as { data: { status: string } }).data.status)).toEqual(['HIDDEN', 'ON_SALE']);
  });

  it('lists the categories createProduct accepts', async () => {
    const data = await h.ok<{ productCategories: Array<{ code: string; nameKo: string }> }>('{ productCategories { code nameKo nameEn } }');
    expect(data.productCategories.map((c) => c.code)).toContain('DIGITAL');
  });
});

describe('products(filter, sort, first, after)', () => {
  const seller = newUser();
  const tag = `t${hex(4)}`;
  const prices = [30_000, 10_000, 20_000, 10_000, 50_000];
  const ids: string[] = [];

  beforeAll(async () => {
    for (const [i, price] of prices.entries()) {
      ids.push((await createProduct(h, seller, { price, title: `${tag} 아이폰 케이스 ${i}`, description: i % 2 ? '정품 가죽' : 'Leather CASE', category: i < 3 ? 'DIGITAL' : 'FASHION' })).id);
    }
  });

  const list = (variables: Record<string, unknown>) => h.gql<{ products: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ cursor: string; node: { id: string; price: number } }> } }>(LIST, variables);

  it('finds Korean and English words anywhere in title or description, all words required', async () => {
    const korean = await list({ filter: { search: `${tag} 케이스`, sellerId: seller.userId } });
    expect(korean.data!.products.totalCount).toBe(5);
    const both = await list({ filter: { search: `${tag.toUpperCase()} 정품`, sellerId: seller.userId } });
    expect(both.data!.products.totalCount).toBe(2);
    const english = await list({ filter: { search: `leather ${tag}` } });
    expect(english.data!.products.totalCount).toBe(3);
    // Decomposed Hangul (as macOS sends it) matches too.
    const nfd = await list({ filter: { search: `${tag} ${'케이스'.normalize('NFD')}` } });
    expect(nfd.data!.products.totalCount).toBe(5);
    // LIKE wildcards are plain characters.
    expect((await list({ filter: { search: `${tag} %` } })).data!.products.totalCount).toBe(0);
  });

  it('filters by category and price range', async () => {
    const digital = await list({ filter: { search: tag, category: 'DIGITAL' } });
    expect(digital.data!.products.totalCount).toBe(3);
    const range = await list({ filter: { search: tag, minPrice: 15_000, maxPrice: 30_000 } });
    expect(range.data!.products.edges.map((e) => e.node.price).sort()).toEqual([20_000, 30_000]);
  });

  it('sorts by price both ways with a stable tiebreak, and pages with cursors', async () => {
    const asc = await list({ filter: { search: tag }, sort: 'PRICE_ASC', first: 2 });
    expect(asc.data!.products.edges.map((e) => e.node.price)).toEqual([10_000, 10_000]);
    expect(asc.data!.products.pageInfo.hasNextPage).toBe(true);
    const seen = asc.data!.products.edges.map((e) => e.node.id);
    let after = asc.data!.products.pageInfo.endCursor;
    while (after) {
      const page = await list({ filter: { search: tag }, sort: 'PRICE_ASC', first: 2, after });
      seen.push(...page.data!.products.edges.map((e) => e.node.id));
      after = page.data!.products.pageInfo.hasNextPage ? page.data!.products.pageInfo.endCursor : null;
    }
    expect(new Set(seen).size).toBe(5);
    const desc = await list({ filter: { search: tag }, sort: 'PRICE_DESC' });
    expect(desc.data!.products.edges.map((e) => e.node.price)).toEqual([50_000, 30_000, 20_000, 10_000, 10_000]);
  });

  it('NEWEST is newest first', async () => {
    const newest = await list({ filter: { sellerId: seller.userId, search: tag } });
    expect(newest.data!.products.edges.map((e) => e.node.id)).toEqual([...ids].reverse());
  });

  it.each([
    ['first > 100', { first: 101 }, 'first'],
    ['first = 0', { first: 0 }, 'first'],
    ['a malformed cursor', { after: 'not-a-cursor!' }, 'after'],
    ['a cursor that decodes to junk', { after: Buffer.from('{"s":"NEWEST","k":[1]}').toString('base64url') }, 'after'],
    ['an unknown category', { filter: { category: 'WEAPONS' } }, 'filter.category'],
    ['minPrice above maxPrice', { filter: { minPrice: 10, maxPrice: 5 } }, 'filter.minPrice'],
  ])('%s → BAD_USER_INPUT', async (_name, variables, field) => {
    const error = onlyError(await list(variables));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.fields[0].field).toBe(field);
  });

  it('a cursor of another sort is refused', async () => {
    const asc = await list({ filter: { search: tag }, sort: 'PRICE_ASC', first: 1 });
    const error = onlyError(await list({ filter: { search: tag }, sort: 'NEWEST', after: asc.data!.products.pageInfo.endCursor }));
    expect(error.extensions.fields[0].reason).toBe('cursorOtherSort');
  });

  it('a sellerId that is not a uuid simply matches nothing', async () => {
    expect((await list({ filter: { sellerId: 'abc' } })).data!.products.totalCount).toBe(0);
  });

  it('popularProducts ranks by views and trade requests', async () => {
    const viewer = newUser();
    for (let i = 0; i < 3; i++) await h.ok(`query($id: ID!) { product(id: $id) { id } }`, { id: ids[4] }, { identity: viewer });
    await h.server.flushViews();
    const row = await h.prisma.product.findUnique({ where: { id: ids[4]! }, select: { viewCount: true } });
    expect(row?.viewCount).toBeGreaterThanOrEqual(3);
    const bad = await h.gql('{ popularProducts(first: 51) { id } }');
    expect(onlyError(bad).code).toBe('BAD_USER_INPUT');
  });
});
