// In-app chat through the gateway, with user, transaction and chat as real processes (docs/chat.md):
// a buyer opens a conversation about a listing (chat learns of it from transaction's
// product.created), sends a message, the seller's open chatMessages subscription receives it
// exactly once with the sender's nickname joined from the user subgraph, the seller's unreadCount
// counts it, and markConversationRead clears it. A stranger cannot read the conversation.
import { createClient, type Client, type ExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, gatewayClient, waitFor } from '../support/gateway-client.ts';
import { startStack, type Stack } from '../support/stack.ts';

let stack: Stack;
const { call, ok, register } = gatewayClient(() => stack.gatewayUrl);
const clients: Client[] = [];
beforeAll(async () => {
  stack = await startStack({ subgraphs: ['user', 'transaction', 'chat'] });
}, 180_000);
afterAll(async () => {
  for (const client of clients) await client.dispose();
  await stack?.stop();
});

function subscribe<T>(token: string, query: string, variables: Record<string, unknown> = {}) {
  const client = createClient({ url: stack.gatewayUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${token}` } });
  clients.push(client);
  const events: Array<ExecutionResult<T>> = [];
  client.subscribe<T>({ query, variables }, { next: (value) => void events.push(value as ExecutionResult<T>), error: (error) => void events.push({ errors: (Array.isArray(error) ? error : [error]) as never }), complete: () => undefined });
  return events;
}

const START = `mutation($productId: ID!) { startConversation(productId: $productId) { id product { id title } seller { id nickname } counterpart { id } } }`;
const SEND = `mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id text } }`;
const UNREAD = `query($id: ID!) { conversation(id: $id) { unreadCount lastMessage { text } } }`;

describe('in-app chat through the gateway', () => {
  it('delivers a message once to the other party\'s subscription, counts it unread, and clears it when read', async () => {
    const seller = await register('seller');
    const buyer = await register('buyer');
    const stranger = await register('stranger');
    const product = (await ok(`mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`, { input: { title: '접이식 자전거', description: '한 달 사용', price: 120_000, category: 'SPORTS' } }, seller.token)).createProduct;

    // chat learns of the listing from product.created; until then it is unknown (NOT_FOUND).
    const conversation = await waitFor('chat to know the listing', async () => {
      const result = await call(START, { productId: product.id }, buyer.token);
      return result.errors ? undefined : result.data!.startConversation;
    }, 30_000);
    expect(conversation).toMatchObject({ product: { id: product.id, title: '접이식 자전거' }, seller: { id: seller.id, nickname: 'seller' }, counterpart: { id: seller.id } });
    expect((await ok(START, { productId: product.id }, buyer.token)).startConversation.id).toBe(conversation.id);

    const events = subscribe<{ chatMessages: any }>(seller.token, `subscription($id: ID) { chatMessages(conversationId: $id) { id text sender { id nickname } } }`, { id: conversation.id });
    // No blind sleep: the buyer says hello until the seller's subscription delivered one, which proves it is live.
    const hello = await waitFor<ExecutionResult<{ chatMessages: any }>>('the subscription to be live', async () => {
      const sent = (await ok(SEND, { id: conversation.id, text: '안녕하세요' }, buyer.token)).sendMessage;
      return waitFor('hello', async () => events.find((e) => e.data?.chatMessages.id === sent.id), 2_000).catch(() => undefined);
    }, 30_000);
    expect(hello.data!.chatMessages.sender).toEqual({ id: buyer.id, nickname: 'buyer' });

    const sent = (await ok(SEND, { id: conversation.id, text: '내일 7시에 합정역에서 뵐게요' }, buyer.token)).sendMessage;
    await waitFor('the message', async () => events.some((e) => e.data?.chatMessages.id === sent.id), 5_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events.filter((e) => e.data?.chatMessages.id === sent.id)).toHaveLength(1);
    expect(events.every((e) => !e.errors)).toBe(true);

    const unread = (await ok(UNREAD, { id: conversation.id }, seller.token)).conversation;
    expect(unread.unreadCount).toBeGreaterThanOrEqual(2);
    expect(unread.lastMessage).toEqual({ text: '내일 7시에 합정역에서 뵐게요' });
    const read = await ok(`mutation($id: ID!) { markConversationRead(conversationId: $id) { unreadCount } }`, { id: conversation.id }, seller.token);
    expect(read.markConversationRead.unreadCount).toBe(0);

    expect(codeOf((await call(UNREAD, { id: conversation.id }, stranger.token)).errors)).toBe('NOT_FOUND');
    expect(codeOf((await call(SEND, { id: conversation.id, text: '' }, buyer.token)).errors)).toBe('BAD_USER_INPUT');
  });
});
