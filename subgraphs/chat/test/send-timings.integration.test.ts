// What chat's operations port tells about a send (send-timings.ts): each await of sendMessage in
// anshim_chat_send_step_seconds{step}, and chat's PostgreSQL pool in anshim_chat_db_pool_wait_seconds
// and anshim_chat_db_pool_hold_seconds{use} (issue 18: the sends' waits were found there). The pool's
// observer must not change what the pool does: Prisma's interactive transactions still commit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatHarness, user } from './support/harness.ts';

const START = `mutation($productId: ID!) { startConversation(productId: $productId) { id } }`;
const SEND = `mutation($conversationId: ID!, $text: String!) { sendMessage(conversationId: $conversationId, text: $text) { id text masked } }`;
const STEPS = ['facts', 'rate_limit', 'screen', 'registry', 'turn', 'store', 'publish'];

/** Every `<metric>_count{…}` series on the operations port, by its labels. */
async function counts(h: ChatHarness, metric: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${h.operationsUrl}/metrics`)).text();
  const found = new Map<string, number>();
  for (const match of text.matchAll(new RegExp(`^${metric}_count\\{([^}]*)\\} (\\d+)$`, 'gm'))) {
    const label = /(?:step|use)="([^"]+)"/.exec(match[1]!)?.[1];
    if (label) found.set(label, Number(match[2]));
  }
  return found;
}

describe('the send path on the operations port', () => {
  let h: ChatHarness;
  beforeAll(async () => {
    h = await new ChatHarness().start();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('lists every step and both pool uses at 0 before anything happens', async () => {
    const steps = await counts(h, 'anshim_chat_send_step_seconds');
    expect([...steps.keys()].sort()).toEqual([...STEPS].sort());
    expect([...(await counts(h, 'anshim_chat_db_pool_wait_seconds')).keys()].sort()).toEqual(['statement', 'transaction']);
    expect([...(await counts(h, 'anshim_chat_db_pool_hold_seconds')).keys()].sort()).toEqual(['statement', 'transaction']);
  });

  it('times each await of a send, the registry lookup only for a candidate the facts read did not answer, and the pool', async () => {
    const seller = user();
    const buyer = user();
    const productId = await h.listing(seller);
    const { startConversation } = await h.ok(START, { productId }, { identity: buyer });
    const stepsBefore = await counts(h, 'anshim_chat_send_step_seconds');
    const waitsBefore = await counts(h, 'anshim_chat_db_pool_wait_seconds');
    const holdsBefore = await counts(h, 'anshim_chat_db_pool_hold_seconds');

    await h.ok(SEND, { conversationId: startConversation.id, text: '내일 오후에 거래 가능할까요?' }, { identity: seller });
    await h.ok(SEND, { conversationId: startConversation.id, text: '국민은행 123456-78-901234 로 선입금 부탁드려요' }, { identity: seller });
    // The account's candidates were answered by the facts read: no lookup of the screen's own.
    expect((await counts(h, 'anshim_chat_send_step_seconds')).get('registry')! - stepsBefore.get('registry')!).toBe(0);
    // A phone number split over two messages is a candidate only with the recent text: looked up on its own.
    await h.ok(SEND, { conversationId: startConversation.id, text: '제 번호 010 1234' }, { identity: seller });
    await h.ok(SEND, { conversationId: startConversation.id, text: '5678 로 문자 주세요' }, { identity: seller });

    const steps = await counts(h, 'anshim_chat_send_step_seconds');
    for (const step of STEPS) expect(steps.get(step)! - stepsBefore.get(step)!, step).toBe(step === 'registry' ? 1 : 4);
    // Four sends: their reads and writes (4 × 2) and one registry lookup went through the pool as single statements.
    const waits = await counts(h, 'anshim_chat_db_pool_wait_seconds');
    const holds = await counts(h, 'anshim_chat_db_pool_hold_seconds');
    expect(waits.get('statement')! - waitsBefore.get('statement')!).toBeGreaterThanOrEqual(9);
    expect(holds.get('statement')! - holdsBefore.get('statement')!).toBeGreaterThanOrEqual(9);
    // The consumer's transactions (the listing's product.created) were seen, and returned their connections
    // (the relay's pass after a send may still hold one at the scrape).
    expect(waits.get('transaction')!).toBeGreaterThanOrEqual(1);
    expect(holds.get('transaction')!).toBeGreaterThanOrEqual(waits.get('transaction')! - 1);
  });
});
