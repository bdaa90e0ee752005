// Read-your-writes for the listing copy (issue 18 point 5): a buyer opening a chat about a listing
// posted a moment ago, whose product.created has not reached chat, is not told it does not exist.
// Deterministic: the real transaction subgraph publishes under its own Redis prefix, so its events
// never reach this chat subgraph: the copy learns only through the read (and, where a test says so,
// from the owner's own outbox events handed over late, to show an older event changes nothing).
// NOT_FOUND only when the owner says so too; when it cannot answer, TEMPORARILY_UNAVAILABLE and
// nothing written.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventType } from '@anshim/contracts';
import type { Identity, NewEvent } from '@anshim/platform';
import { ChatHarness, onlyError, user } from './support/harness.ts';
import { outboxNaming } from '../../../test/support/subgraph-harness.ts';
import { createProduct, MOVE, START as START_TRADE, TransactionHarness } from '../../transaction/test/support/harness.ts';
import { UserHarness } from '../../user/test/support/harness.ts';

// startTransaction (to sell a listing) reads protection from user: owners first, each on port 0.
const userOwner = new UserHarness();
const transactionOwner = new TransactionHarness({}, userOwner);
const h = new ChatHarness({}, undefined, transactionOwner);
beforeAll(async () => {
  await userOwner.start();
  await transactionOwner.start();
  await h.start();
});
afterAll(async () => {
  await h.stop();
  await transactionOwner.stop();
  await userOwner.stop();
});

const START = `mutation($productId: ID!) { startConversation(productId: $productId) { id product { id } buyer { id } seller { id } } }`;
const HIDE = `mutation($id: ID!) { hideProduct(id: $id) { status } }`;
const copyOf = (productId: string) => h.prisma.productCopy.findUnique({ where: { productId }, select: { sellerId: true, status: true, statusAt: true } });
/**
 * What a refused start could have written about these members and listings: conversations, listing copies,
 * outbox rows. Never whole tables: the chat test files run side by side in one database.
 */
function counts(db: ChatHarness, ids: { members: string[]; products: string[] }) {
  return Promise.all([
    db.prisma.conversation.count({ where: { OR: [{ buyerId: { in: ids.members } }, { sellerId: { in: ids.members } }, { productId: { in: ids.products } }] } }),
    db.prisma.productCopy.count({ where: { productId: { in: ids.products } } }),
    outboxNaming(db.prisma, [...ids.members, ...ids.products]),
  ]);
}

/** Hands chat the owner's own product events (from transaction's outbox) late, newest first; `status` picks one status change. */
async function deliverLate(productId: string, types: string[], status?: string): Promise<void> {
  const rows = await transactionOwner.prisma.outboxEvent.findMany({
    where: {
      type: { in: types },
      AND: [{ payload: { path: ['data', 'productId'], equals: productId } }, ...(status ? [{ payload: { path: ['data', 'status'], equals: status } }] : [])],
    },
    orderBy: { createdAt: 'desc' },
    select: { type: true, payload: true },
  });
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) {
    const { data, subjectUserId } = row.payload as { data: Record<string, unknown>; subjectUserId: string };
    await h.deliver({ type: row.type, producer: 'transaction', subjectUserId, data } as unknown as NewEvent<EventType>);
  }
}

describe('a listing copy that does not know the listing yet asks transaction', () => {
  it('starts a conversation about a listing whose product.created never reached chat, and a late event changes nothing', async () => {
    const seller = user();
    const buyer = user();
    const product = await createProduct(transactionOwner, seller);
    expect(await copyOf(product.id)).toBeNull();
    const { startConversation } = await h.ok<{ startConversation: { id: string } }>(START, { productId: product.id }, { identity: buyer });
    expect(startConversation).toMatchObject({ product: { id: product.id }, buyer: { id: buyer.userId }, seller: { id: seller.userId } });
    const learnt = await copyOf(product.id);
    // Stamped with the owner's time of the listing's state, not chat's clock at the read.
    const atOwner = await transactionOwner.prisma.product.findUniqueOrThrow({ where: { id: product.id }, select: { updatedAt: true } });
    expect(learnt).toEqual({ sellerId: seller.userId, status: 'ON_SALE', statusAt: atOwner.updatedAt });

    // The real product.created arrives after the read: the copy stays as the owner said.
    await deliverLate(product.id, ['product.created']);
    expect(await copyOf(product.id)).toEqual(learnt);
    // An older status change (before the owner's answer) changes nothing; a newer one still applies.
    const status = (at: Date, to: 'HIDDEN' | 'RESERVED') =>
      h.deliver({ type: 'product.status_changed', producer: 'transaction', subjectUserId: seller.userId, data: { productId: product.id, sellerId: seller.userId, status: to, at: at.toISOString() } });
    await status(new Date(Date.parse(product.createdAt) - 1), 'HIDDEN');
    expect(await copyOf(product.id)).toEqual(learnt);
    await status(new Date(learnt!.statusAt.getTime() + 60_000), 'RESERVED');
    expect((await copyOf(product.id))?.status).toBe('RESERVED');
  });

  it('refuses a hidden listing (NOT_FOUND) and a sold one (CONFLICT PRODUCT_SOLD) read from the owner; the real late events keep the copy as it is', async () => {
    const seller = user();
    const buyer = user();
    const hidden = await createProduct(transactionOwner, seller);
    await transactionOwner.ok(HIDE, { id: hidden.id }, { identity: seller });
    const sold = await createProduct(transactionOwner, seller);
    const trade = (await transactionOwner.ok<{ startTransaction: { id: string } }>(START_TRADE, { id: sold.id }, { identity: buyer })).startTransaction;
    await transactionOwner.ok(MOVE, { id: trade.id, status: 'ACCEPTED' }, { identity: seller });
    await transactionOwner.ok(MOVE, { id: trade.id, status: 'COMPLETED' }, { identity: buyer });

    const theirs = { members: [seller.userId, buyer.userId], products: [hidden.id, sold.id] };
    const [conversationsBefore] = await counts(h, theirs);
    expect(onlyError(await h.gql(START, { productId: hidden.id }, { identity: buyer })).code).toBe('NOT_FOUND');
    expect(onlyError(await h.gql(START, { productId: sold.id }, { identity: buyer }))).toMatchObject({ code: 'CONFLICT', extensions: { reason: 'PRODUCT_SOLD' } });
    expect((await counts(h, theirs))[0]).toBe(conversationsBefore);
    expect((await copyOf(hidden.id))?.status).toBe('HIDDEN');
    expect((await copyOf(sold.id))?.status).toBe('SOLD');

    // The owner's own events, none newer than its answer, arrive late (the sold listing's RESERVED
    // alone, the one that would move it back): nothing moves back.
    await deliverLate(sold.id, ['product.status_changed'], 'RESERVED');
    await deliverLate(hidden.id, ['product.created', 'product.status_changed']);
    expect((await copyOf(sold.id))?.status).toBe('SOLD');
    expect((await copyOf(hidden.id))?.status).toBe('HIDDEN');
    // The seller's own listing learnt from the owner is still refused as one's own.
    const own = await createProduct(transactionOwner, seller);
    expect(onlyError(await h.gql(START, { productId: own.id }, { identity: seller }))).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { reason: 'OWN_LISTING' } });
  });

  it('answers NOT_FOUND for an id the owner does not know either, writing nothing', async () => {
    const [member, productId] = [user(), randomUUID()];
    const theirs = { members: [member.userId], products: [productId] };
    const before = await counts(h, theirs);
    const refused = onlyError(await h.gql(START, { productId }, { identity: member }));
    expect(refused.code).toBe('NOT_FOUND');
    expect(await counts(h, theirs)).toEqual(before);
  });
});

describe('fail closed when the owner is down', () => {
  it('refuses with TEMPORARILY_UNAVAILABLE (not NOT_FOUND) in Korean and English and writes nothing', async () => {
    const seller: Identity = user();
    // A listing that exists at its owner, asked of a chat whose owner URL points nowhere.
    const product = await createProduct(transactionOwner, seller);
    const orphan = await new ChatHarness().start();
    try {
      const [buyer, buyerEn, unknown] = [user(), user(), randomUUID()];
      const theirs = { members: [seller.userId, buyer.userId, buyerEn.userId], products: [product.id, unknown] };
      const before = await counts(orphan, theirs);
      const refused = onlyError(await orphan.gql(START, { productId: product.id }, { identity: buyer }));
      expect(refused).toMatchObject({ code: 'TEMPORARILY_UNAVAILABLE', extensions: { reason: 'OWNER_UNAVAILABLE', retryable: true } });
      expect(refused.message).toMatch(/잠시 후 다시 시도/);
      const en = onlyError(await orphan.gql(START, { productId: unknown }, { identity: buyerEn, lang: 'en' }));
      expect(en).toMatchObject({ code: 'TEMPORARILY_UNAVAILABLE' });
      expect(en.message).toMatch(/cannot check that listing right now/);
      expect(await counts(orphan, theirs)).toEqual(before);
    } finally {
      await orphan.stop();
    }
  });
});
