// The seed's conversations, through the chat API as the apps use it: the buyer opens the
// conversation about the listing (startConversation answers the same one on every repeat) and
// each side sends its messages with sendMessage, which chat screens before delivery. Fraudsters'
// messages carry warnings in the buyer's copy (a known fraud account is masked) and chat publishes
// chat.message_screened, from which the monitor raises its alerts: members never report on
// themselves or others (recordActivity is for ADMINs and trusted integrations only).
// Idempotent: a conversation's planned messages are sent in order, and only those past the number
// it already holds, so a second run sends nothing and an interrupted one resumes.
import { GraphQLCallError, SeedError, inPool, type SeedClient } from './seed-client.ts';
import type { PlannedConversation } from './seed-plan.ts';

const MESSAGE = 'id sender { id } masked warnings { code level }';
const START = `mutation SeedConversation($productId: ID!) { startConversation(productId: $productId) { id messages(first: 100) { edges { node { ${MESSAGE} } } } } }`;
const SEND = `mutation SeedSend($conversationId: ID!, $text: String!) { sendMessage(conversationId: $conversationId, text: $text) { id } }`;
const READ = `query SeedRead($id: ID!) { conversation(id: $id) { messages(first: 50) { edges { node { ${MESSAGE} } } } } }`;
const MINE = `query SeedConversations { conversations(first: 100) { id product { id } } }`;

interface SeenMessage {
  id: string;
  sender: { id: string };
  masked: boolean;
  warnings: Array<{ code: string; level: string }>;
}

export interface ChatStageContext {
  client: SeedClient;
  idOf: (index: number) => string;
  tokenOf: (index: number, why: string) => string;
  productIds: Map<number, string>;
  created: { conversations: number; messages: number };
  log: (line: string) => void;
}

/** What the buyers see of the seeded conversations (the demo members' own view, as their app shows it). */
export interface ChatSummary {
  conversations: number;
  messages: number;
  /** Messages that reached the buyer with at least one warning. */
  withWarnings: number;
  masked: number;
  /** Warnings per screening code. */
  warningsByCode: Record<string, number>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pages = (conversation: { messages: { edges: Array<{ node: SeenMessage }> } }) => conversation.messages.edges.map((e) => e.node);

/** Opens each conversation (as its buyer) and sends the planned messages it does not hold yet. */
export async function seedConversations(ctx: ChatStageContext, planned: PlannedConversation[], pool: number): Promise<void> {
  await inPool(planned, pool, async (c) => {
    const buyerToken = ctx.tokenOf(c.buyer, 'open a conversation');
    // Chat learns of listings from product.created a moment after the fact: NOT_FOUND for a while.
    const opened = await ctx.client.eventually<{ startConversation: { id: string; messages: { edges: Array<{ node: SeenMessage }> } } }>(
      'startConversation', START, { productId: ctx.productIds.get(c.product) }, buyerToken,
    );
    const conversationId = opened.startConversation.id;
    const held = pages(opened.startConversation).length;
    if (held === 0) ctx.created.conversations += 1;
    for (const message of c.messages.slice(held)) {
      const token = message.by === 'BUYER' ? buyerToken : ctx.tokenOf(c.seller, 'write in a conversation');
      try {
        await ctx.client.call('sendMessage', SEND, { conversationId, text: message.text }, token);
      } catch (error) {
        // The platform may already have stopped a fraudster (restricted until verified): that is the point.
        if (message.by === 'SELLER' && c.findings.length && error instanceof GraphQLCallError && error.code === 'FORBIDDEN') {
          ctx.log(`a fraudster was refused while writing (${error.message}); the rest of that conversation is left out`);
          return;
        }
        throw error;
      }
      ctx.created.messages += 1;
    }
    if (held < c.messages.length && c.findings.includes('KNOWN_FRAUD_IDENTIFIER')) await untilMasked(ctx, c, conversationId, buyerToken);
  });
}

/**
 * Chat masks an account once its copy of the registry heard of the accepted report
 * (report.identifiers_confirmed, a moment after the decision). Until then the fraudster's message
 * goes out unmasked, so it is sent again, as a fraudster would, until the buyer's copy is masked.
 */
async function untilMasked(ctx: ChatStageContext, c: PlannedConversation, conversationId: string, buyerToken: string): Promise<void> {
  const last = c.messages[c.messages.length - 1]!;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const read = await ctx.client.call<{ conversation: { messages: { edges: Array<{ node: SeenMessage }> } } }>('conversation', READ, { id: conversationId }, buyerToken);
    const newest = pages(read.conversation).at(-1);
    if (newest?.masked) return;
    if (Date.now() > deadline) throw new SeedError(`chat never masked the account an accepted report confirmed (conversation ${conversationId}); is the chat service consuming report events?`);
    await sleep(1_000);
    await ctx.client.call('sendMessage', SEND, { conversationId, text: last.text }, ctx.tokenOf(c.seller, 'write in a conversation'));
    ctx.created.messages += 1;
  }
}

/** Reads every seeded conversation back as its buyer: messages, warnings and masks as the app shows them. */
export async function summarizeChats(ctx: ChatStageContext, planned: PlannedConversation[], pool: number): Promise<ChatSummary> {
  const summary: ChatSummary = { conversations: 0, messages: 0, withWarnings: 0, masked: 0, warningsByCode: {} };
  const buyers = [...new Set(planned.map((c) => c.buyer))];
  await inPool(buyers, pool, async (buyer) => {
    const token = ctx.tokenOf(buyer, 'read their conversations');
    const mine = await ctx.client.call<{ conversations: Array<{ id: string; product: { id: string } }> }>('conversations', MINE, {}, token);
    const asked = new Set(planned.filter((c) => c.buyer === buyer).map((c) => ctx.productIds.get(c.product)));
    for (const conversation of mine.conversations.filter((c) => asked.has(c.product.id))) {
      const read = await ctx.client.call<{ conversation: { messages: { edges: Array<{ node: SeenMessage }> } } }>('conversation', READ, { id: conversation.id }, token);
      const messages = pages(read.conversation);
      summary.conversations += 1;
      summary.messages += messages.length;
      for (const m of messages) {
        if (m.warnings.length) summary.withWarnings += 1;
        if (m.masked) summary.masked += 1;
        for (const w of m.warnings) summary.warningsByCode[w.code] = (summary.warningsByCode[w.code] ?? 0) + 1;
      }
    }
  });
  summary.warningsByCode = Object.fromEntries(Object.entries(summary.warningsByCode).sort(([a], [b]) => a.localeCompare(b)));
  return summary;
}
