// Trades against real PostgreSQL and Redis: the state machine with its product effects, who may
// do what, the race between two accepts, ratings and statistics, and refusals driven by the
// copies fed from other services' events (protected mode, monitor holds, account status).
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '@anshim/platform';
import { createProduct, membersOfThisFile, MOVE, newUser, onlyError, rowsNaming, START, waitFor, withUserOwner } from './support/harness.ts';

// startTransaction reads protection from the user service: the owner starts first, on port 0.
const { h } = withUserOwner();

type Trade = { id: string; status: string; product: { id: string; status: string }; history?: Array<{ from: string | null; to: string; by: { id: string } }> };

async function start(productId: string, buyer: Identity): Promise<Trade> {
  return (await h.ok<{ startTransaction: Trade }>(START, { id: productId }, { identity: buyer })).startTransaction;
}
const move = (id: string, status: string, as: Identity) => h.gql<{ updateTransactionStatus: Trade }>(MOVE, { id, status }, { identity: as });
async function moved(id: string, status: string, as: Identity): Promise<Trade> {
  const result = await move(id, status, as);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data!.updateTransactionStatus;
}
const RATE = `mutation($id: ID!, $stars: Int!, $comment: String) { rateTransaction(id: $id, stars: $stars, comment: $comment) { id } }`;

async function tradeCounts() {
  // The rows naming this file's own members: a file beside this one may be trading right now.
  const ids = [...membersOfThisFile];
  const [{ trades, outbox }, changes, ratings] = await Promise.all([
    rowsNaming(h, ids),
    h.prisma.transactionStatusChange.count({ where: { byId: { in: ids } } }),
    h.prisma.rating.count({ where: { raterId: { in: ids } } }),
  ]);
  return { trades, changes, ratings, outbox };
}
async function expectNothingWritten<T>(action: () => Promise<T>): Promise<T> {
  const before = await tradeCounts();
  const result = await action();
  expect(await tradeCounts()).toEqual(before);
  return result;
}

describe('the happy path', () => {
  it('request → accept (RESERVED) → complete (SOLD), with history and events', async () => {
    const seller = newUser();
    const buyer = newUser();
    const product = await createProduct(h, seller, { price: 77_000 });
    const trade = await start(product.id, buyer);
    expect(trade).toMatchObject({ status: 'REQUESTED', price: 77_000, buyer: { id: buyer.userId }, seller: { id: seller.userId } });

    const accepted = await moved(trade.id, 'ACCEPTED', seller);
    expect(accepted.product.status).toBe('RESERVED');
    const completed = await moved(trade.id, 'COMPLETED', buyer);
    expect(completed.product.status).toBe('SOLD');
    expect(completed.history!.map((c) => [c.from, c.to, c.by.id])).toEqual([
      [null, 'REQUESTED', buyer.userId],
      ['REQUESTED', 'ACCEPTED', seller.userId],
      ['ACCEPTED', 'COMPLETED', buyer.userId],
    ]);
    const events = await h.prisma.outboxEvent.findMany({
      where: { payload: { path: ['data', 'transactionId'], equals: trade.id }, type: { startsWith: 'transaction.' } },
      select: { type: true, payload: true },
      orderBy: { createdAt: 'asc' },
    });
    expect(events.map((e) => e.type)).toEqual(['transaction.requested', 'transaction.accepted', 'transaction.completed']);
    expect((events[2]!.payload as { data: Record<string, unknown> }).data).toMatchObject({ amount: 77_000, buyerId: buyer.userId, sellerId: seller.userId, productId: product.id, by: buyer.userId });

    // Both parties (and only they, or an ADMIN) see the trade.
    const q = `query($id: ID!) { transaction(id: $id) { id status } }`;
    expect((await h.ok<{ transaction: { status: string } }>(q, { id: trade.id }, { identity: seller })).transaction.status).toBe('COMPLETED');
    expect((await h.ok<{ transaction: { status: string } }>(q, { id: trade.id }, { identity: newUser('ADMIN') })).transaction.status).toBe('COMPLETED');
    expect(onlyError(await h.gql(q, { id: trade.id }, { identity: newUser() })).code).toBe('FORBIDDEN');
    expect((await h.ok<{ transaction: null }>(q, { id: randomUUID() }, { identity: buyer })).transaction).toBeNull();
  });

  it('cancelling an accepted trade puts the product back ON_SALE; the event says where it came from', async () => {
    const seller = newUser();
    const buyer = newUser();
    const product = await createProduct(h, seller);
    const trade = await start(product.id, buyer);
    await moved(trade.id, 'ACCEPTED', seller);
    const cancelled = await moved(trade.id, 'CANCELLED', buyer);
    expect(cancelled.product.status).toBe('ON_SALE');
    const event = await h.prisma.outboxEvent.findFirst({ where: { type: 'transaction.cancelled', payload: { path: ['data', 'transactionId'], equals: trade.id } }, select: { payload: true } });
    expect((event!.payload as { data: Record<string, unknown> }).data).toMatchObject({ fromStatus: 'ACCEPTED', by: buyer.userId });
  });
});

describe('the state machine refuses with codes and writes nothing', () => {
  const seller = newUser();
  const buyer = newUser();
  let tradeId: string;
  beforeAll(async () => {
    const product = await createProduct(h, seller);
    tradeId = (await start(product.id, buyer)).id;
  });

  it('the buyer cannot accept → FORBIDDEN saying only the seller can', async () => {
    const error = onlyError(await expectNothingWritten(() => move(tradeId, 'ACCEPTED', buyer)));
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toContain('판매자');
  });

  it('REQUESTED → COMPLETED is illegal → BAD_USER_INPUT naming the allowed statuses', async () => {
    const error = onlyError(await expectNothingWritten(() => h.gql(MOVE, { id: tradeId, status: 'COMPLETED' }, { identity: buyer, lang: 'en' })));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.allowed).toEqual(['ACCEPTED', 'CANCELLED']);
    expect(error.message).toContain('accepted, cancelled');
  });

  it('a non-party → FORBIDDEN; an unknown trade → NOT_FOUND', async () => {
    expect(onlyError(await expectNothingWritten(() => move(tradeId, 'CANCELLED', newUser()))).code).toBe('FORBIDDEN');
    expect(onlyError(await expectNothingWritten(() => move(randomUUID(), 'CANCELLED', buyer))).code).toBe('NOT_FOUND');
  });

  it('a cancelled trade cannot change any more', async () => {
    await moved(tradeId, 'CANCELLED', seller);
    const error = onlyError(await expectNothingWritten(() => move(tradeId, 'ACCEPTED', seller)));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.allowed).toEqual([]);
  });
});

describe('startTransaction refusals', () => {
  it('own product, unknown product, SOLD, HIDDEN, RESERVED and a second open request', async () => {
    const seller = newUser();
    const buyer = newUser();
    const product = await createProduct(h, seller);
    expect(onlyError(await expectNothingWritten(() => h.gql(START, { id: product.id }, { identity: seller }))).code).toBe('BAD_USER_INPUT');
    expect(onlyError(await expectNothingWritten(() => h.gql(START, { id: randomUUID() }, { identity: buyer }))).code).toBe('NOT_FOUND');
    expect(onlyError(await expectNothingWritten(() => h.gql(START, { id: product.id }))).code).toBe('UNAUTHENTICATED');

    const trade = await start(product.id, buyer);
    expect(onlyError(await expectNothingWritten(() => h.gql(START, { id: product.id }, { identity: buyer }))).code).toBe('CONFLICT');
    await moved(trade.id, 'ACCEPTED', seller);
    expect(onlyError(await expectNothingWritten(() => h.gql(START, { id: product.id }, { identity: newUser() }))).code).toBe('CONFLICT');
    await moved(trade.id, 'COMPLETED', buyer);
    expect(onlyError(await expectNothingWritten(() => h.gql(START, { id: product.id }, { identity: newUser() }))).code).toBe('BAD_USER_INPUT');

    const hiddenOne = await createProduct(h, seller);
    await h.ok(`mutation($id: ID!) { hideProduct(id: $id) { id } }`, { id: hiddenOne.id }, { identity: seller });
    expect(onlyError(await expectNothingWritten(() => h.gql(START, { id: hiddenOne.id }, { identity: buyer }))).code).toBe('NOT_FOUND');
  });
});

describe('race safety', () => {
  it('two buyers, the seller accepts both at once: exactly one ACCEPTED, the other CONFLICT', async () => {
    for (let round = 0; round < 3; round++) {
      const seller = newUser();
      const product = await createProduct(h, seller);
      const [a, b] = [await start(product.id, newUser()), await start(product.id, newUser())];
      const results = await Promise.all([move(a.id, 'ACCEPTED', seller), move(b.id, 'ACCEPTED', seller)]);
      const won = results.filter((r) => r.data?.updateTransactionStatus?.status === 'ACCEPTED');
      const lost = results.filter((r) => r.errors);
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(onlyError(lost[0]!).code).toBe('CONFLICT');
      const rows = await h.prisma.transaction.findMany({ where: { productId: product.id }, select: { status: true } });
      expect(rows.map((r) => r.status).sort()).toEqual(['ACCEPTED', 'REQUESTED']);
      expect((await h.prisma.product.findUnique({ where: { id: product.id }, select: { status: true } }))!.status).toBe('RESERVED');
      expect(await h.prisma.outboxEvent.count({ where: { type: 'transaction.accepted', payload: { path: ['data', 'productId'], equals: product.id } } })).toBe(1);
    }
  });

  it('completing one trade twice at once: one COMPLETED, the other CONFLICT, one event', async () => {
    const seller = newUser();
    const buyer = newUser();
    const product = await createProduct(h, seller);
    const trade = await start(product.id, buyer);
    await moved(trade.id, 'ACCEPTED', seller);
    const results = await Promise.all(Array.from({ length: 4 }, () => move(trade.id, 'COMPLETED', buyer)));
    expect(results.filter((r) => r.data?.updateTransactionStatus).length).toBe(1);
    for (const r of results.filter((x) => x.errors)) expect(['CONFLICT', 'BAD_USER_INPUT']).toContain(onlyError(r).code);
    expect(await h.prisma.outboxEvent.count({ where: { type: 'transaction.completed', payload: { path: ['data', 'transactionId'], equals: trade.id } } })).toBe(1);
  });
});

describe('disputes, ratings and statistics', () => {
  it('rates once per party after completion, 1-5 stars; stats count and average', async () => {
    const seller = newUser();
    const buyer = newUser();
    const product = await createProduct(h, seller);
    const trade = await start(product.id, buyer);
    expect(onlyError(await expectNothingWritten(() => h.gql(RATE, { id: trade.id, stars: 5 }, { identity: buyer }))).code).toBe('BAD_USER_INPUT');
    await moved(trade.id, 'ACCEPTED', seller);
    await moved(trade.id, 'COMPLETED', buyer);
    for (const stars of [0, 6]) expect(onlyError(await expectNothingWritten(() => h.gql(RATE, { id: trade.id, stars }, { identity: buyer }))).code).toBe('BAD_USER_INPUT');
    expect(onlyError(await expectNothingWritten(() => h.gql(RATE, { id: trade.id, stars: 4 }, { identity: newUser() }))).code).toBe('FORBIDDEN');
    await h.ok(RATE, { id: trade.id, stars: 4, comment: '친절해요' }, { identity: buyer });
    expect(onlyError(await expectNothingWritten(() => h.gql(RATE, { id: trade.id, stars: 5 }, { identity: buyer }))).code).toBe('CONFLICT');
    await h.ok(RATE, { id: trade.id, stars: 5 }, { identity: seller });
    const rated = await h.prisma.outboxEvent.findFirst({ where: { type: 'transaction.rated', payload: { path: ['data', 'raterId'], equals: buyer.userId } }, select: { payload: true } });
    expect((rated!.payload as { data: Record<string, unknown> }).data).toMatchObject({ rateeId: seller.userId, rateeRole: 'SELLER', stars: 4 });

    // A second trade of the seller, cancelled: stats are public.
    const other = await createProduct(h, seller);
    const cancelled = await start(other.id, newUser());
    await moved(cancelled.id, 'CANCELLED', seller);
    const stats = await h.ok<{ _entities: Array<{ tradeStats: Record<string, unknown> }> }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { tradeStats { completed cancelled disputed completionRate averageRating } } } }`,
      { r: [{ __typename: 'User', id: seller.userId }] },
    );
    expect(stats._entities[0]!.tradeStats).toEqual({ completed: 1, cancelled: 1, disputed: 0, completionRate: 0.5, averageRating: 4 });
  });

  it('a completed trade can be disputed by either party within 7 days', async () => {
    const seller = newUser();
    const buyer = newUser();
    const product = await createProduct(h, seller);
    const trade = await start(product.id, buyer);
    await moved(trade.id, 'ACCEPTED', seller);
    await moved(trade.id, 'COMPLETED', buyer);
    const disputed = await moved(trade.id, 'DISPUTED', seller);
    expect(disputed.status).toBe('DISPUTED');
    expect(disputed.product.status).toBe('SOLD');
  });
});

describe('User.products and User.transactions through _entities', () => {
  it('lists a seller\'s products (hidden ones only for them) and trades only for the user themself', async () => {
    const seller = newUser();
    const buyer = newUser();
    const shown = await createProduct(h, seller);
    const hidden = await createProduct(h, seller);
    await h.ok(`mutation($id: ID!) { hideProduct(id: $id) { id } }`, { id: hidden.id }, { identity: seller });
    const trade = await start(shown.id, buyer);
    const q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id products(first: 10) { id } transactions { id } } } }`;
    const reps = { r: [{ __typename: 'User', id: seller.userId }, { __typename: 'User', id: buyer.userId }] };
    const asSeller = await h.ok<{ _entities: Array<{ products: Array<{ id: string }>; transactions: Array<{ id: string }> }> }>(q, reps, { identity: seller });
    expect(asSeller._entities[0]!.products.map((p) => p.id)).toEqual([hidden.id, shown.id]);
    expect(asSeller._entities[0]!.transactions.map((t) => t.id)).toEqual([trade.id]);
    expect(asSeller._entities[1]!.transactions).toEqual([]);
    const asBuyer = await h.ok<typeof asSeller>(q, reps, { identity: buyer });
    expect(asBuyer._entities[0]!.products.map((p) => p.id)).toEqual([shown.id]);
    expect(asBuyer._entities[1]!.transactions.map((t) => t.id)).toEqual([trade.id]);
  });
});

describe('copies fed by events', () => {
  const grade = (userId: string, g: string, score: number, version: number) =>
    h.publish({
      type: 'safety.score_changed',
      producer: 'safety',
      subjectUserId: userId,
      data: { userId, score, grade: g as 'SAFE', previousScore: null, previousGrade: null, version, cause: 'test', changedAt: new Date().toISOString() },
    });

  it('safety.score_changed updates the seller\'s listings; a late older version changes nothing', async () => {
    const seller = newUser();
    const product = await createProduct(h, seller);
    await h.processed(await grade(seller.userId, 'DANGER', 10, 5));
    await h.processed(await grade(seller.userId, 'VERY_SAFE', 95, 3)); // older: ignored
    const row = await h.prisma.product.findUnique({ where: { id: product.id }, select: { sellerGradeRank: true, sellerScore: true } });
    expect(row).toEqual({ sellerGradeRank: 4, sellerScore: 10 });
    const copy = await h.prisma.safetyCopy.findUnique({ where: { userId: seller.userId }, select: { grade: true, version: true } });
    expect(copy).toEqual({ grade: 'DANGER', version: 5 });
    // Redelivery of the same event is a no-op (processed once).
    expect(await h.prisma.processedEvent.count({ where: { consumer: 'transaction' } })).toBeGreaterThanOrEqual(2);
  });

  it('a protected buyer is refused a seller below their minimum grade, with a plain reason', async () => {
    const seller = newUser();
    const buyer = newUser();
    const product = await createProduct(h, seller);
    const profile = await h.publish({
      type: 'user.profile_updated',
      producer: 'user',
      subjectUserId: buyer.userId,
      data: { userId: buyer.userId, fields: ['protectedMode', 'minCounterpartGrade'], profileCompleteness: 40, protectedMode: true, minCounterpartGrade: 'SAFE' },
    });
    await h.processed(profile);
    // No score yet: the seller counts as NORMAL, below SAFE.
    const refused = onlyError(await expectNothingWritten(() => h.gql(START, { id: product.id }, { identity: buyer })));
    expect(refused.code).toBe('FORBIDDEN');
    expect(refused.extensions).toMatchObject({ reason: 'SELLER_GRADE_BELOW_MINIMUM', sellerGrade: 'NORMAL', minCounterpartGrade: 'SAFE' });
    expect(refused.message).toContain('보호 모드');
    await h.processed(await grade(seller.userId, 'SAFE', 70, 1));
    expect((await start(product.id, buyer)).status).toBe('REQUESTED');
  });

  it('a monitor hold stops new trades and acceptance; CLEAR lifts it; a late older action changes nothing', async () => {
    const seller = newUser();
    const buyer = newUser();
    const product = await createProduct(h, seller);
    const trade = await start(product.id, buyer);
    const at = Date.now();
    const action = (action: 'HOLD_TRANSACTIONS' | 'CLEAR', takenAt: number) =>
      h.publish({
        type: 'monitor.action_taken',
        producer: 'monitor',
        subjectUserId: seller.userId,
        data: { userId: seller.userId, action, reason: 'test', by: null, takenAt: new Date(takenAt).toISOString(), expiresAt: null },
      });
    await h.processed(await action('HOLD_TRANSACTIONS', at));
    const other = await createProduct(h, seller);
    const refused = onlyError(await expectNothingWritten(() => h.gql(START, { id: other.id }, { identity: newUser() })));
    expect(refused).toMatchObject({ code: 'FORBIDDEN', extensions: { reason: 'COUNTERPART_ON_HOLD' } });
    expect(onlyError(await expectNothingWritten(() => move(trade.id, 'ACCEPTED', seller))).extensions.reason).toBe('ON_HOLD');
    // Backing out is always possible.
    await h.processed(await action('CLEAR', at + 1000));
    await h.processed(await action('HOLD_TRANSACTIONS', at - 1000)); // late and older: ignored
    expect((await moved(trade.id, 'ACCEPTED', seller)).status).toBe('ACCEPTED');
  });

  it('a banned user cannot start trades (user.status_changed)', async () => {
    const buyer = newUser();
    const product = await createProduct(h, newUser());
    await h.processed(await h.publish({ type: 'user.status_changed', producer: 'user', subjectUserId: buyer.userId, data: { userId: buyer.userId, status: 'BANNED', until: null } }));
    expect(onlyError(await h.gql(START, { id: product.id }, { identity: buyer })).extensions.reason).toBe('ACCOUNT_RESTRICTED');
  });

  it('waits without sleeping: the listing shows the new grade once the event is processed', async () => {
    const seller = newUser();
    await createProduct(h, seller);
    await h.processed(await grade(seller.userId, 'VERY_SAFE', 90, 1));
    const found = await waitFor('the listing to show the seller at VERY_SAFE', async () => {
      const r = await h.ok<{ products: { totalCount: number } }>(`query($s: ID!) { products(filter: { sellerId: $s, minSellerGrade: VERY_SAFE }) { totalCount } }`, { s: seller.userId });
      return r.products.totalCount === 1 || undefined;
    });
    expect(found).toBe(true);
  });
});
