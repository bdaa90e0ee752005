// payment.released through the safety subgraph's real consumer (PostgreSQL, Redis, the outbox and
// relay): a trade completed through safe payment raises both parties more than one completed
// without it, the history says why in plain words, a repeated release changes nothing, and a
// release transaction never marked completed (auto-release) still counts as a completed trade.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, SafetyHarness, waitFor } from './support/harness.ts';

const h = new SafetyHarness();
beforeAll(() => h.start(), 60_000);
afterAll(() => h.stop());

async function registered(): Promise<string> {
  const userId = randomUUID();
  await h.publisher.publish('user.registered', { userId, nickname: '안심이', createdAt: new Date().toISOString() });
  await h.waitForScore(userId, (s) => s.version >= 1, 'first score');
  return userId;
}

const HISTORY = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { safetyHistory(first: 10) { delta reason cause } } } }`;
async function history(userId: string, lang?: 'en') {
  const result = await h.gql(HISTORY, { r: [{ __typename: 'User', id: userId }] }, { lang, identity: ADMIN });
  expect(result.errors).toBeUndefined();
  return result.data!._entities[0].safetyHistory as Array<{ delta: number; reason: string; cause: string }>;
}

function released(trade: { transactionId: string; buyerId: string; sellerId: string }, paymentId = randomUUID()) {
  return h.publisher.publish('payment.released', {
    paymentId,
    ...trade,
    amount: 30_000,
    from: 'HELD',
    to: 'RELEASED',
    actor: 'BUYER',
    reason: 'TRADE_COMPLETED',
    at: new Date().toISOString(),
  });
}

const sql = <T>(query: string, ...params: unknown[]) => h.server.core.sql.$queryRawUnsafe<T>(query, ...params);
/** Resolves once the safety consumer committed its handling of the event. */
const handled = (eventId: string) =>
  waitFor(() => sql<unknown[]>(`SELECT 1 FROM processed_events WHERE event_id = $1::uuid`, eventId), (rows) => rows.length > 0, 10_000, `event ${eventId} handled`);

const tradesFactor = (score: Awaited<ReturnType<SafetyHarness['score']>>) => score.factors.find((f) => f.code === 'COMPLETED_TRADES');

describe('trades completed through safe payment', () => {
  it('weigh more than a trade completed without it, for both parties, and the history says why', async () => {
    const [seller, buyer, plainSeller, plainBuyer] = [await registered(), await registered(), await registered(), await registered()];
    const trade = { transactionId: randomUUID(), productId: randomUUID(), buyerId: buyer, sellerId: seller, amount: 30_000, by: buyer, at: new Date().toISOString() };
    const plain = { ...trade, transactionId: randomUUID(), buyerId: plainBuyer, sellerId: plainSeller, by: plainBuyer };
    await h.publisher.publish('transaction.completed', trade);
    await h.publisher.publish('transaction.completed', plain);
    const before = await h.waitForScore(seller, (s) => tradesFactor(s) !== undefined, 'completed trade');
    const plainScore = await h.waitForScore(plainSeller, (s) => tradesFactor(s) !== undefined, 'completed trade');
    expect(before.value).toBe(plainScore.value);

    await released(trade);
    const after = await h.waitForScore(seller, (s) => s.value > before.value, 'escrow weight');
    expect(tradesFactor(after)!.contribution).toBeGreaterThan(tradesFactor(plainScore)!.contribution);
    expect(tradesFactor(after)!.description).toBe('거래 1건을 마쳤습니다. 그중 1건은 안전결제로 마쳐 더 크게 반영됩니다.');
    const steps = await history(seller);
    expect(steps[0]).toMatchObject({ cause: 'payment.released', reason: '거래 1건을 마쳤습니다. 그중 1건은 안전결제로 마쳐 더 크게 반영됩니다.' });
    expect(steps[0]!.delta).toBeGreaterThan(0);
    expect((await history(seller, 'en'))[0]!.reason).toBe('1 completed trade. 1 of them through safe payment, which counts more.');
    const buyerScore = await h.waitForScore(buyer, (s) => (tradesFactor(s)?.description ?? '').includes('안전결제'), 'buyer escrow weight');
    expect(tradesFactor(buyerScore)!.contribution).toBe(tradesFactor(after)!.contribution);
    expect((await h.score(plainSeller)).value).toBe(plainScore.value);
  });

  it('a repeated payment.released (another delivery of the release) changes nothing', async () => {
    const [seller, buyer] = [await registered(), await registered()];
    const trade = { transactionId: randomUUID(), productId: randomUUID(), buyerId: buyer, sellerId: seller, amount: 30_000, by: buyer, at: new Date().toISOString() };
    await h.publisher.publish('transaction.completed', trade);
    await h.waitForScore(seller, (s) => tradesFactor(s) !== undefined, 'completed trade');
    const paymentId = randomUUID();
    await released(trade, paymentId);
    const once = await h.waitForScore(seller, (s) => (tradesFactor(s)?.description ?? '').includes('안전결제'), 'escrow weight');
    const again = await released(trade, paymentId);
    await handled(again.id);
    const twice = await h.score(seller);
    expect(twice).toMatchObject({ value: once.value, version: once.version });
    const rows = await sql<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM escrow_releases WHERE transaction_id = $1::uuid`, trade.transactionId);
    expect(rows[0]!.n).toBe(2);
  });

  it('a release that transaction never marked completed (auto-release) counts as a completed trade through safe payment', async () => {
    const [seller, buyer] = [await registered(), await registered()];
    await released({ transactionId: randomUUID(), buyerId: buyer, sellerId: seller });
    const score = await h.waitForScore(seller, (s) => tradesFactor(s) !== undefined, 'released trade');
    expect(tradesFactor(score)!.description).toBe('거래 1건을 마쳤습니다. 그중 1건은 안전결제로 마쳐 더 크게 반영됩니다.');
    // The later completion of the same trade does not count it twice.
    const [{ t: transactionId }] = await sql<[{ t: string }]>(`SELECT transaction_id::text AS t FROM escrow_releases WHERE user_id = $1::uuid`, seller);
    const completed = await h.publisher.publish('transaction.completed', { transactionId, productId: randomUUID(), buyerId: buyer, sellerId: seller, amount: 30_000, by: buyer, at: new Date().toISOString() });
    await handled(completed.id);
    expect(tradesFactor(await h.score(seller))!.description).toBe('거래 1건을 마쳤습니다. 그중 1건은 안전결제로 마쳐 더 크게 반영됩니다.');
  });

  it("the rebuild's refill of trades from transaction keeps the releases (transaction knows no payments): the same score", async () => {
    const [seller, buyer] = [await registered(), await registered()];
    const trade = { transactionId: randomUUID(), productId: randomUUID(), buyerId: buyer, sellerId: seller, amount: 30_000, by: buyer, at: new Date().toISOString() };
    await h.publisher.publish('transaction.completed', trade);
    await released(trade);
    const before = await h.waitForScore(seller, (s) => (tradesFactor(s)?.description ?? '').includes('안전결제'), 'escrow weight');
    // What rebuild.ts does with transaction's /internal/safety-inputs answer for these users.
    const core = h.server.core;
    await core.sql.$transaction(async (tx) => {
      await core.inputs.lockUsers(tx, [seller, buyer]);
      await core.copies.trades.replace(tx, [seller, buyer], {
        trades: [{ transactionId: trade.transactionId, buyerId: buyer, sellerId: seller, outcome: 'COMPLETED', by: buyer, at: trade.at }],
        ratings: [],
        products: [],
      });
      await core.recalculator.recalculate(tx, [seller, buyer], { type: 'admin.rebuild', eventId: null }, { mode: 'always' });
    });
    const after = await h.score(seller);
    expect(after.value).toBe(before.value);
    expect(tradesFactor(after)).toEqual(tradesFactor(before));
  });
});
