// What chat publishes (topic chat.events). A send's events are built here as outbox rows and
// written by the same statement as its message (message-repository.ts), so an event exists exactly
// when its message was committed. Ids and findings only: a message's text never leaves this service.
import { outboxRowOf, type OutboxRow } from '@anshim/platform';
import type { ConversationRecord, MessageRecord } from '../model.ts';

export class ChatEvents {
  /**
   * chat.contact_observed (stored only when the sender's contact is due: message-repository.ts),
   * then chat.message_screened only when screening found something (`identifierHashes`: keyed
   * lookup hashes, never identifiers). Validated against the catalogue here.
   */
  forMessage(conversation: ConversationRecord, message: Omit<MessageRecord, 'seq'>, recipientId: string, identifierHashes: readonly string[]): OutboxRow[] {
    const rows = [
      outboxRowOf({
        type: 'chat.contact_observed',
        producer: 'chat',
        subjectUserId: message.senderId,
        data: {
          conversationId: conversation.id,
          messageId: message.id,
          productId: conversation.productId,
          senderId: message.senderId,
          recipientId,
          sentAt: message.sentAt.toISOString(),
        },
      }).row,
    ];
    if (message.warnings.length === 0) return rows;
    rows.push(
      outboxRowOf({
        type: 'chat.message_screened',
        producer: 'chat',
        subjectUserId: message.senderId,
        data: {
          conversationId: message.conversationId,
          messageId: message.id,
          senderId: message.senderId,
          recipientId,
          masked: message.masked,
          findings: message.warnings.map(({ code, level }) => ({ code, level })),
          at: message.sentAt.toISOString(),
          productId: conversation.productId,
          ...(identifierHashes.length ? { identifierHashes: [...identifierHashes] } : {}),
        },
      }).row,
    );
    return rows;
  }
}
