// Sending, reading and receiving messages. A message is checked (length, party, the sender's
// standing and verification, a block, rate limits), screened, stored encrypted with its findings
// and its events in one transaction, and pushed to both parties' subscriptions after the commit.
import { randomUUID } from 'node:crypto';
import { BadInputError, channelIterator, ForbiddenError, NotFoundError, pick, requireIdentity, systemClock, type BusinessCounter, type ChannelIterator, type Clock } from '@anshim/platform';
import type { ConversationService } from '../conversations/conversation-service.ts';
import { assertMaySend } from '../conversations/member-gates.ts';
import { messages, otherWarning, warningMessages } from '../messages.ts';
import { checkId, counterpartOf, isParty, MAX_MESSAGE_CHARS, type ConversationRecord, type MessageRecord, type MessageScreen, type WarningRecord } from '../model.ts';
import type { ChatEvents } from '../outbound/chat-events.ts';
import type { ChatScope } from '../scope.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { userMessageChannel, type MessagePublisher, type PublishedMessage } from './message-channels.ts';
import type { MessageRepository, StoredMessage } from './message-repository.ts';
import type { OrderedDelivery } from './ordered-delivery.ts';
import type { SendRateLimit } from './send-rate-limit.ts';
import { untimed, type SendTimings } from './send-timings.ts';

const MAX_MESSAGES_PAGE = 100;

export interface MessagingServiceDeps {
  conversations: ConversationService;
  messages: MessageRepository;
  events: ChatEvents;
  screen: MessageScreen;
  rateLimit: SendRateLimit;
  publisher: MessagePublisher;
  /** Keeps each conversation's pushes in commit order. */
  delivery: OrderedDelivery;
  /** What screening sees of the sender's earlier messages. */
  recent: { messages: number; seconds: number };
  /** Nudges the outbox relay once a send that wrote outbox rows committed. */
  afterCommit: () => void;
  /**
   * anshim_fraud_stopped_total: a masked message once it is stored, and a message held back
   * because its sender is banned, suspended or restricted (nothing is written for that one).
   */
  fraudStopped: BusinessCounter<'fraudStopped'>;
  /** Each await of send() into anshim_chat_send_step_seconds (send-timings.ts); none by default. */
  timings?: SendTimings;
}

export interface MessagePage {
  edges: Array<{ cursor: string; node: MessageRecord }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export class MessagingService {
  constructor(private readonly deps: MessagingServiceDeps, private readonly now: Clock = systemClock) {}

  /**
   * Checks (text, party, the sender's standing and verification, the counterpart's block, rate
   * limits), then screens outside any transaction (the registry lookup holds no row lock), then
   * stores the message and its events in one statement that starts by locking the conversation.
   * Screening sees the sender's recent messages as committed before this send began.
   */
  async send(scope: ChatScope, conversationId: string, text: string): Promise<MessageRecord> {
    const me = requireIdentity(scope);
    const trimmed = checkText(text);
    const timed = this.deps.timings ?? untimed;
    const sentAt = this.now();
    const since = new Date(sentAt.getTime() - this.deps.recent.seconds * 1_000);
    // One statement reads what the checks below need (send-facts.ts); they run in the order they
    // always did: party, standing and verification, the counterpart's block, then the ration.
    // The registry candidates of the text alone ride along in that read (detector-screen.ts).
    const lookupHashes = this.deps.screen.lookupHashesOf?.(trimmed);
    const facts = await timed.time('facts', () => this.deps.messages.sendFacts(checkId(conversationId), me.userId, since, this.deps.recent.messages, lookupHashes ?? []));
    const conversation = facts.conversation;
    if (!conversation || !isParty(conversation, me.userId)) throw new NotFoundError(messages.conversationNotFound);
    const recipientId = counterpartOf(conversation, me.userId);
    try {
      assertMaySend(facts.sender, sentAt);
    } catch (error) {
      if (error instanceof ForbiddenError && error.extensions.reason === 'SENDER_NOT_ALLOWED') this.deps.fraudStopped.inc({ kind: 'held_message' });
      throw error;
    }
    if (facts.blocked) throw new ForbiddenError(messages.cannotSendHere, { reason: 'CANNOT_SEND_HERE' });
    await timed.time('rate_limit', () => this.deps.rateLimit.take(me.userId, conversation.id));

    const recentTexts = this.deps.messages.openRecent(facts.recentCiphers);
    const screened = await timed.time('screen', async () => this.deps.screen.screen({ text: trimmed, senderId: me.userId, recentTexts, ...(lookupHashes ? { registry: { asked: new Set(lookupHashes), known: new Set(facts.knownLookupHashes) } } : {}) }));
    const draft = { id: randomUUID(), conversationId: conversation.id, senderId: me.userId, text: screened.deliveredText, masked: screened.masked, warnings: screened.findings, sentAt };
    const events = this.deps.events.forMessage(conversation, { ...draft, readAt: null }, recipientId, screened.identifierHashes ?? []);
    // The place in the conversation's delivery order is reserved now and the write waits for its
    // turn, so within this process places are taken in commit order (ordered-delivery.ts).
    const slot = this.deps.delivery.reserve(conversation.id);
    let stored: StoredMessage | null;
    try {
      await timed.time('turn', () => slot.turn);
      stored = await timed.time('store', () => this.deps.messages.store(draft, events));
    } catch (error) {
      slot.cancel();
      throw error;
    }
    if (!stored) {
      slot.cancel();
      throw new NotFoundError(messages.conversationNotFound);
    }
    // Most sends announce nothing (a contact is announced once an hour, screening findings are
    // rare): a relay pass for them would be a transaction that finds no row.
    if (stored.eventsWritten > 0) this.deps.afterCommit();
    const { message } = stored;
    if (message.masked) this.deps.fraudStopped.inc({ kind: 'masked_message' });
    await slot.release(() => timed.time('publish', () => this.deps.publisher.publish(message, [conversation.buyerId, conversation.sellerId])));
    return message;
  }

  /** Newest last: the `first` messages before `before` (the previous page's endCursor), and whether older ones remain. */
  async page(scope: ChatScope, conversation: ConversationRecord, first: number | null | undefined, before: string | null | undefined): Promise<MessagePage> {
    const take = first ?? 30;
    if (!Number.isInteger(take) || take < 1 || take > MAX_MESSAGES_PAGE) throw new BadInputError(messages.firstRange(MAX_MESSAGES_PAGE));
    const beforeSeq = before == null ? null : decodeCursor(before);
    const { messages: rows, hasOlder } = await this.deps.messages.page(conversation.id, take, beforeSeq);
    const reads = await scope.loaders.readStates.load(conversation.id);
    const nodes = rows.map((row) => {
      const recipientRead = reads.find((read) => read.userId === counterpartOf(conversation, row.senderId));
      return { ...row, readAt: recipientRead && recipientRead.lastReadSeq >= row.seq ? recipientRead.readAt : null };
    });
    return {
      edges: nodes.map((node) => ({ cursor: encodeCursor(node.seq), node })),
      pageInfo: { hasNextPage: hasOlder, endCursor: nodes.length > 0 ? encodeCursor(nodes[0]!.seq) : null },
    };
  }

  /** The newest message of a conversation (batched per request). */
  lastMessage(scope: ChatScope, conversation: ConversationRecord): Promise<MessageRecord | null> {
    return scope.loaders.lastMessages.load(conversation.id);
  }

  /** ChatMessage.warnings: the recipient's view (and an ADMIN's); the sender's own view has none. */
  warnings(scope: ChatScope, message: MessageRecord): WarningRecord[] {
    return scope.identity?.userId === message.senderId ? [] : message.warnings;
  }

  warningText(scope: ChatScope, warning: WarningRecord): string {
    return pick(warningMessages[warning.code] ?? otherWarning, scope.locale);
  }

  /**
   * Subscription.chatMessages: every message to or from the signed-in member on their own channel,
   * or only one conversation's (a party's; anyone else NOT_FOUND before anything is delivered).
   */
  async subscribe(scope: ChatScope, conversationId: string | null | undefined): Promise<ChannelIterator<PublishedMessage>> {
    const me = requireIdentity(scope);
    const only = conversationId == null ? null : (await this.deps.conversations.ofParty(scope, conversationId)).id;
    return channelIterator<PublishedMessage>(scope.hub, userMessageChannel(me.userId), {
      filter: (message) => message.partyIds.includes(me.userId) && (only === null || message.conversationId === only),
      logger: scope.logger,
    });
  }

}

/** 1–2,000 characters after trimming; the trimmed text is what is sent. */
function checkText(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length === 0) throw new BadInputError(messages.emptyText, { reason: 'EMPTY_TEXT' });
  if ([...trimmed].length > MAX_MESSAGE_CHARS) throw new BadInputError(messages.textTooLong(MAX_MESSAGE_CHARS), { reason: 'TEXT_TOO_LONG' });
  return trimmed;
}
