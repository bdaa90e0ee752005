// sendMessage's statements run on a pool of their own (CHAT_SEND_POOL_SIZE), so a send never waits
// for a connection held by Prisma's users: the event consumers' and the outbox relay's interactive
// transactions (issue 18: at 100 messages/s with screening, sends queued ~1 s on the shared pool).
// With CHAT_SEND_POOL_SIZE=0 they share Prisma's pool as before. Both pools' waits and holds and
// each step of the send are histograms on the operations port (send-timings.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { ChatHarness, user } from './support/harness.ts';

const START = `mutation($productId: ID!) { startConversation(productId: $productId) { id } }`;
const SEND = `mutation($conversationId: ID!, $text: String!) { sendMessage(conversationId: $conversationId, text: $text) { id text } }`;

/** One histogram series' sample count on the operations port (`labels` e.g. `step="store"`). */
async function countOf(h: ChatHarness, metric: string, labels: string): Promise<number> {
  const text = await (await fetch(`${h.operationsUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${metric}_count{`) && l.includes(labels));
  return Number(line?.split(' ').at(-1) ?? Number.NaN);
}

/** A conversation the seller can send in (started while Prisma's pool is free). */
async function conversation(h: ChatHarness) {
  const seller = user();
  const buyer = user();
  const productId = await h.listing(seller);
  const { startConversation } = await h.ok(START, { productId }, { identity: buyer });
  return { id: startConversation.id as string, seller };
}

/** Holds the only connection of the server's Prisma pool in an open transaction until released. */
async function holdPrismaPool(h: ChatHarness): Promise<{ release: () => Promise<void> }> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let holding!: () => void;
  const held = new Promise<void>((resolve) => (holding = resolve));
  const transaction = h.server.prisma.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT 1`;
      holding();
      await released;
    },
    { timeout: 60_000 },
  );
  await held;
  return {
    release: async () => {
      release();
      await transaction;
    },
  };
}

describe('the send path on its own pool', () => {
  let h: ChatHarness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('sends while every connection of Prisma\'s pool is held, and times each step and both pools', async () => {
    h = await new ChatHarness({ CHAT_DB_POOL_SIZE: '1', CHAT_SEND_POOL_SIZE: '1' }).start();
    const { id, seller } = await conversation(h);
    const sendWaitsBefore = await countOf(h, 'anshim_chat_db_pool_wait_seconds', 'use="send"');
    const hold = await holdPrismaPool(h);
    try {
      const { sendMessage } = await h.ok(SEND, { conversationId: id, text: '내일 오후에 거래 가능할까요?' }, { identity: seller });
      expect(sendMessage.text).toBe('내일 오후에 거래 가능할까요?');
    } finally {
      await hold.release();
    }
    // Its read and its write, on the send pool.
    expect(await countOf(h, 'anshim_chat_db_pool_wait_seconds', 'use="send"')).toBe(sendWaitsBefore + 2);
    expect(await countOf(h, 'anshim_chat_db_pool_hold_seconds', 'use="send"')).toBe(sendWaitsBefore + 2);
    expect(await countOf(h, 'anshim_chat_db_pool_hold_seconds', 'use="transaction"')).toBeGreaterThanOrEqual(1);
    for (const step of ['facts', 'rate_limit', 'screen', 'turn', 'store', 'publish']) {
      expect(await countOf(h, 'anshim_chat_send_step_seconds', `step="${step}"`), step).toBe(1);
    }
  });

  it('with CHAT_SEND_POOL_SIZE=0 shares Prisma\'s pool: the send waits for the held connection', async () => {
    h = await new ChatHarness({ CHAT_DB_POOL_SIZE: '1', CHAT_SEND_POOL_SIZE: '0' }).start();
    const { id, seller } = await conversation(h);
    const hold = await holdPrismaPool(h);
    let answered = false;
    const send = h.ok(SEND, { conversationId: id, text: '네 좋아요' }, { identity: seller }).finally(() => (answered = true));
    try {
      // The send's read is queued behind the held connection: it cannot answer before the release.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(answered).toBe(false);
    } finally {
      await hold.release();
    }
    expect((await send).sendMessage.text).toBe('네 좋아요');
    expect(await countOf(h, 'anshim_chat_db_pool_wait_seconds', 'use="send"')).toBe(0);
  });
});
