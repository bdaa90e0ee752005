// The screening switch and its timing: every screened message is counted in
// anshim_chat_screening_seconds on the operations port; CHAT_SCREENING=false (bench/chat-throughput's
// baseline only) delivers a fraud message as written, and production refuses that setting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatEnvSchema, loadChatEnv } from '../src/env.ts';
import { ChatHarness, MESSAGE_FIELDS, user } from './support/harness.ts';

const START = `mutation($productId: ID!) { startConversation(productId: $productId) { id } }`;
const SEND = `mutation($conversationId: ID!, $text: String!) { sendMessage(conversationId: $conversationId, text: $text) { ${MESSAGE_FIELDS} } }`;
const PAGE = `query($id: ID!) { conversation(id: $id) { messages(first: 10) { edges { node { ${MESSAGE_FIELDS} } } } } }`;
const FRAUD = '국민 일이삼사오육 칠팔 구공일이삼사 으로 선입금 주세요';

/** The histogram's sample count on the operations port. */
async function screenedCount(h: ChatHarness): Promise<number> {
  const text = await (await fetch(`${h.operationsUrl}/metrics`)).text();
  return Number(/^anshim_chat_screening_seconds_count(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}

/** The seller sends the fraud text; answers what the buyer sees. */
async function buyerSeesFraud(h: ChatHarness): Promise<{ text: string; masked: boolean; warnings: unknown[] }> {
  const seller = user();
  const buyer = user();
  const productId = await h.listing(seller);
  const { startConversation } = await h.ok(START, { productId }, { identity: buyer });
  await h.ok(SEND, { conversationId: startConversation.id, text: FRAUD }, { identity: seller });
  const page = await h.ok(PAGE, { id: startConversation.id }, { identity: buyer });
  return page.conversation.messages.edges[0].node;
}

describe('screening on (the default)', () => {
  let h: ChatHarness;
  beforeAll(async () => {
    h = await new ChatHarness().start();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('warns the recipient and times the screen of every message', async () => {
    const before = await screenedCount(h);
    const message = await buyerSeesFraud(h);
    expect(message.warnings).not.toEqual([]);
    expect(await screenedCount(h)).toBe(before + 1);
  });
});

describe('CHAT_SCREENING=false (the benchmark baseline)', () => {
  let h: ChatHarness;
  beforeAll(async () => {
    h = await new ChatHarness({ CHAT_SCREENING: 'false' }).start();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('delivers the text as written, without findings, and still counts it', async () => {
    const message = await buyerSeesFraud(h);
    expect(message).toMatchObject({ text: FRAUD, masked: false, warnings: [] });
    expect(await screenedCount(h)).toBe(1);
  });
});

describe('the chat settings', () => {
  it('screen by default and refuse CHAT_SCREENING=false in production', () => {
    expect(chatEnvSchema.parse({}).CHAT_SCREENING).toBe(true);
    expect(chatEnvSchema.parse({ CHAT_SCREENING: 'false' }).CHAT_SCREENING).toBe(false);
    const exit = process.exit;
    const error = console.error;
    const printed: string[] = [];
    process.exit = ((code: number) => {
      throw new Error(`exit ${code}`);
    }) as typeof process.exit;
    console.error = (line: string) => printed.push(line);
    try {
      expect(() => loadChatEnv({ NODE_ENV: 'production', CHAT_SCREENING: 'false' })).toThrow('exit 1');
      expect(printed.join('\n')).toMatch(/CHAT_SCREENING: screening cannot be turned off in production/);
    } finally {
      process.exit = exit;
      console.error = error;
    }
  });
});
