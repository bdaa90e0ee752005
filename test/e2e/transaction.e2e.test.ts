// Products and trades through the gateway, with the user and transaction subgraphs as real
// processes: docs/api-tour.md's "Products and trades" walkthrough, the cross-subgraph joins
// (seller { nickname }), the race between two accepts, protected mode (both ways, read from the
// user subgraph when a trade starts), and the bad inputs of issue 3, each with its code.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bootstrapAdmin, codeOf, gatewayClient } from '../support/gateway-client.ts';
import { startStack, type Stack } from '../support/stack.ts';

const ADMIN = bootstrapAdmin();

let stack: Stack;
const { call, ok, register, login } = gatewayClient(() => stack.gatewayUrl);
beforeAll(async () => {
  stack = await startStack({ subgraphs: ['user', 'transaction'], env: ADMIN.env });
}, 90_000);
afterAll(async () => {
  await stack?.stop();
});



const CREATE = `mutation($input: CreateProductInput!) { createProduct(input: $input) { id title price status imageUrls thumbnailUrls seller { id nickname } } }`;
const START = `mutation($id: ID!) { startTransaction(productId: $id) { id status price product { id status } buyer { nickname } seller { nickname } } }`;
const MOVE = `mutation($id: ID!, $s: TransactionStatus!) { updateTransactionStatus(id: $id, status: $s) { id status product { status } history { from to by { nickname } } } }`;

describe('products and trades through the gateway', () => {
  let seller: { id: string; token: string };
  let buyer: { id: string; token: string };
  const tag = `e2e${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    [seller, buyer] = await Promise.all([register('판매자'), register('구매자')]);
  });

  it('uploads a picture, lists it with the seller\'s nickname, and trades it to the end', async () => {
    const jpeg = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#4caf50' } }).jpeg().toBuffer();
    const ticket = (await ok<{ createProductImageUpload: { key: string; url: string; headers: Record<string, string> } }>(
      `mutation($s: Int!) { createProductImageUpload(contentType: "image/jpeg", size: $s) { key url headers expiresAt maxBytes } }`,
      { s: jpeg.length },
      seller.token,
    )).createProductImageUpload;
    // The upload link goes through the gateway's signed pass-through; the subgraph itself answers only the gateway.
    const gatewayOrigin = new URL(stack.gatewayUrl).origin;
    expect(ticket.url.startsWith(`${gatewayOrigin}/transaction/files/${ticket.key}?`)).toBe(true);
    const direct = new URL(ticket.url.replace(`${gatewayOrigin}/transaction`, new URL(stack.subgraphUrls.transaction!).origin));
    expect((await fetch(direct, { method: 'PUT', body: jpeg, headers: ticket.headers })).status).toBe(401);
    expect((await fetch(ticket.url, { method: 'PUT', body: jpeg, headers: ticket.headers })).status).toBe(200);

    const created = (await ok<{ createProduct: { id: string; imageUrls: string[]; thumbnailUrls: string[]; seller: { nickname: string } } }>(
      CREATE,
      { input: { title: `${tag} 원목 책상`, description: '이사 때문에 팝니다. 직거래만 합니다.', price: 85_000, category: 'FURNITURE', region: '서울 성동구', imageKeys: [ticket.key] } },
      seller.token,
    )).createProduct;
    expect(created.seller.nickname).toBe('판매자');
    expect(created.thumbnailUrls[0]!.startsWith(`${gatewayOrigin}/transaction/files/`)).toBe(true);
    expect((await fetch(created.thumbnailUrls[0]!)).status).toBe(200);

    const page = await ok<{ products: { totalCount: number; edges: Array<{ node: { id: string; seller: { nickname: string; tradeStats: { completed: number } } } }> } }>(
      `query($f: ProductFilter) { products(filter: $f, sort: NEWEST, first: 20) { totalCount edges { cursor node { id title price seller { nickname tradeStats { completed } } } } } }`,
      { f: { search: `${tag} 책상` } },
    );
    expect(page.products.totalCount).toBe(1);
    expect(page.products.edges[0]!.node.seller).toEqual({ nickname: '판매자', tradeStats: { completed: 0 } });

    const trade = (await ok<{ startTransaction: { id: string; status: string; buyer: { nickname: string } } }>(START, { id: created.id }, buyer.token)).startTransaction;
    expect(trade).toMatchObject({ status: 'REQUESTED', buyer: { nickname: '구매자' } });
    await ok(MOVE, { id: trade.id, s: 'ACCEPTED' }, seller.token);

    // They agree to meet at the nearest safe-trade zone (an admin keeps the zone list).
    const admin = await login(ADMIN.email, ADMIN.password);
    const region = `서울 성동구 ${tag}`;
    const upsert = `mutation($input: SafeTradeZoneInput!) { upsertSafeTradeZone(input: $input) { id name } }`;
    for (const [name, latitude, longitude] of [['성동경찰서 안심거래존', 37.5633, 127.0371], ['왕십리역 CCTV 구역', 37.5612, 127.0379], ['서울숲 관리사무소', 37.5444, 127.0374]] as const) {
      await ok(upsert, { input: { name, kind: 'POLICE_STATION', address: `${name} 입구`, region, latitude, longitude, openHours: '24시간' } }, admin);
    }
    const nearest = (await ok<{ safeTradeZones: Array<{ id: string; name: string }> }>(
      `query($r: String, $n: GeoPointInput) { safeTradeZones(region: $r, near: $n, first: 3) { id name } }`,
      { r: region, n: { latitude: 37.5610, longitude: 127.0380 } },
    )).safeTradeZones;
    expect(nearest.map((z) => z.name)).toEqual(['왕십리역 CCTV 구역', '성동경찰서 안심거래존', '서울숲 관리사무소']);
    await ok(`mutation($t: ID!, $z: ID!) { proposeMeetingSpot(transactionId: $t, zoneId: $z) { id } }`, { t: trade.id, z: nearest[0]!.id }, buyer.token);
    const spot = (await ok<{ transaction: { meetingSpot: { name: string } | null } }>(`query($id: ID!) { transaction(id: $id) { meetingSpot { name } } }`, { id: trade.id }, seller.token)).transaction;
    expect(spot.meetingSpot).toEqual({ name: '왕십리역 CCTV 구역' });

    const done = (await ok<{ updateTransactionStatus: { status: string; product: { status: string }; history: Array<{ from: string | null; to: string; by: { nickname: string } }> } }>(
      MOVE, { id: trade.id, s: 'COMPLETED' }, buyer.token,
    )).updateTransactionStatus;
    expect(done.product.status).toBe('SOLD');
    expect(done.history.map((h) => `${h.from ?? '-'}>${h.to}:${h.by.nickname}`)).toEqual(['->REQUESTED:구매자', 'REQUESTED>ACCEPTED:판매자', 'ACCEPTED>COMPLETED:구매자']);

    await ok(`mutation($id: ID!) { rateTransaction(id: $id, stars: 5, comment: "친절하고 정확해요") { id } }`, { id: trade.id }, buyer.token);
    const twice = await call(`mutation($id: ID!) { rateTransaction(id: $id, stars: 4) { id } }`, { id: trade.id }, buyer.token);
    expect(codeOf(twice.errors)).toBe('CONFLICT');

    const me = await ok<{ me: { tradeStats: Record<string, unknown>; products: Array<{ id: string }>; transactions: Array<{ id: string; status: string }> } }>(
      `{ me { tradeStats { completed cancelled disputed completionRate averageRating } products { id } transactions { id status } } }`, {}, seller.token,
    );
    expect(me.me.tradeStats).toEqual({ completed: 1, cancelled: 0, disputed: 0, completionRate: 1, averageRating: 5 });
    expect(me.me.products.map((p) => p.id)).toEqual([created.id]);
    expect(me.me.transactions).toEqual([{ id: trade.id, status: 'COMPLETED' }]);
    // Someone else's trades are not theirs to see.
    const other = await ok<{ user: { transactions: unknown[]; tradeStats: { completed: number } } }>(`query($id: ID!) { user(id: $id) { transactions { id } tradeStats { completed } } }`, { id: seller.id }, buyer.token);
    expect(other.user).toEqual({ transactions: [], tradeStats: { completed: 1 } });
  });

  it('two buyers, two accepts at once through the gateway: one ACCEPTED, one CONFLICT', async () => {
    const [a, b] = await Promise.all([register('구매자A'), register('구매자B')]);
    const product = (await ok<{ createProduct: { id: string } }>(CREATE, { input: { title: `${tag} 유모차`, description: '', price: 120_000, category: 'KIDS' } }, seller.token)).createProduct;
    const ta = (await ok<{ startTransaction: { id: string } }>(START, { id: product.id }, a.token)).startTransaction;
    const tb = (await ok<{ startTransaction: { id: string } }>(START, { id: product.id }, b.token)).startTransaction;
    const results = await Promise.all([call(MOVE, { id: ta.id, s: 'ACCEPTED' }, seller.token), call(MOVE, { id: tb.id, s: 'ACCEPTED' }, seller.token)]);
    expect(results.filter((r) => !r.errors).length).toBe(1);
    expect(results.map((r) => codeOf(r.errors)).filter(Boolean)).toEqual(['CONFLICT']);
  });

  it('protected mode, set in the user subgraph, reaches the transaction subgraph by event and refuses a NORMAL seller', async () => {
    const careful = await register('조심이');
    await ok(`mutation { updateProfile(input: { protectedMode: true, minCounterpartGrade: SAFE }) { protectedMode } }`, {}, careful.token);
    const db = new pg.Client({ connectionString: inject('databaseUrl') });
    await db.connect();
    try {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const { rows } = await db.query('SELECT protected_mode FROM svc_transaction.user_copies WHERE user_id = $1', [careful.id]);
        if (rows[0]?.protected_mode === true) break;
        if (Date.now() > deadline) throw new Error('user.profile_updated did not reach the transaction subgraph in 15 s');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await db.end();
    }
    const product = (await ok<{ createProduct: { id: string } }>(CREATE, { input: { title: `${tag} 전기포트`, description: '', price: 9_000, category: 'APPLIANCES' } }, seller.token)).createProduct;
    const refused = await call(START, { id: product.id }, careful.token);
    expect(codeOf(refused.errors)).toBe('FORBIDDEN');
    expect(refused.errors![0]!.extensions).toMatchObject({ reason: 'SELLER_GRADE_BELOW_MINIMUM', sellerGrade: 'NORMAL', minCounterpartGrade: 'SAFE' });
    expect(refused.errors![0]!.message).toContain('보호 모드');
  });

  it('a protected seller, switched on a moment ago, is not put in a trade with a buyer below their minimum (no waiting for the event)', async () => {
    const careful = await register('조심판매자');
    const product = (await ok<{ createProduct: { id: string } }>(CREATE, { input: { title: `${tag} 전자레인지`, description: '', price: 30_000, category: 'APPLIANCES' } }, careful.token)).createProduct;
    await ok(`mutation { updateProfile(input: { protectedMode: true, minCounterpartGrade: SAFE }) { protectedMode } }`, {}, careful.token);
    const newcomer = await register('새내기');
    const refused = await call(START, { id: product.id }, newcomer.token);
    expect(codeOf(refused.errors)).toBe('FORBIDDEN');
    expect(refused.errors![0]!.extensions).toMatchObject({ reason: 'BUYER_GRADE_BELOW_MINIMUM', buyerGrade: 'NORMAL' });
    expect(refused.errors![0]!.extensions).not.toHaveProperty('minCounterpartGrade');
    expect(refused.errors![0]!.message).toContain('보호 모드');
    // Switched off again: the very next trade goes ahead.
    await ok(`mutation { updateProfile(input: { protectedMode: false }) { protectedMode } }`, {}, careful.token);
    expect((await ok<{ startTransaction: { status: string } }>(START, { id: product.id }, newcomer.token)).startTransaction.status).toBe('REQUESTED');
  });

  describe('bad input, each with its code', () => {
    it.each([
      ['an empty title', { title: '', description: '', price: 1, category: 'OTHER' }, 'BAD_USER_INPUT'],
      ['a negative price', { title: '책상', description: '', price: -1, category: 'OTHER' }, 'BAD_USER_INPUT'],
      ['an unknown category', { title: '책상', description: '', price: 1, category: 'GUNS' }, 'BAD_USER_INPUT'],
      ['11 images', { title: '책상', description: '', price: 1, category: 'OTHER', imageKeys: Array.from({ length: 11 }, (_, i) => `products/x/${i}.jpg`) }, 'BAD_USER_INPUT'],
      ['an image key that was never uploaded', { title: '책상', description: '', price: 1, category: 'OTHER', imageKeys: ['products/00000000-0000-4000-8000-000000000000/x.jpg'] }, 'BAD_USER_INPUT'],
    ])('createProduct with %s', async (_name, input, code) => {
      expect(codeOf((await call(CREATE, { input }, seller.token)).errors)).toBe(code);
    });

    it('first > 100, a malformed cursor, an unknown product, a wrong upload type, stars outside 1-5', async () => {
      expect(codeOf((await call(`{ products(first: 101) { totalCount } }`)).errors)).toBe('BAD_USER_INPUT');
      expect(codeOf((await call(`{ products(after: "garbage!") { totalCount } }`)).errors)).toBe('BAD_USER_INPUT');
      expect(codeOf((await call(START, { id: '00000000-0000-4000-8000-000000000000' }, buyer.token)).errors)).toBe('NOT_FOUND');
      expect(codeOf((await call(`mutation { createProductImageUpload(contentType: "text/html", size: 10) { key } }`, {}, seller.token)).errors)).toBe('BAD_USER_INPUT');
      expect(codeOf((await call(`mutation { createProductImageUpload(contentType: "image/png", size: 20000000) { key } }`, {}, seller.token)).errors)).toBe('BAD_USER_INPUT');
      expect(codeOf((await call(`mutation { rateTransaction(id: "00000000-0000-4000-8000-000000000000", stars: 9) { id } }`, {}, buyer.token)).errors)).toBe('BAD_USER_INPUT');
      expect(codeOf((await call(`mutation { createProduct(input: { title: "책상", description: "", price: 1, category: "OTHER" }) { id } }`)).errors)).toBe('UNAUTHENTICATED');
    });
  });
});
