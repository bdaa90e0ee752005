// What chat publishes (topic chat.events). Each call writes one outbox row inside the caller's
// transaction, so an event exists exactly when its message was committed. Ids and findings only:
// a message's text never leaves this service.
import { outboxWriter } from '@anshim/platform';
import type { Tx } from '../database.ts';
import type { ConversationRecord, MessageRecord } from '../model.ts';

const write = outboxWriter('chat');

export class ChatEvents {
  async messageSent(tx: Tx, conversation: ConversationRecord, message: MessageRecord, recipientId: string): Promise<void> {
    await write(tx, {
      type: 'chat.message_sent',
      subjectUserId: message.senderId,
      data: {
        conversationId: conversation.id,
        messageId: message.id,
        productId: conversation.productId,
        senderId: message.senderId,
        recipientId,
        sentAt: message.sentAt.toISOString(),
      },
    });
  }

  /** Only when screening found something. `identifierHashes`: keyed lookup hashes, never identifiers. */
  async messageScreened(tx: Tx, conversation: ConversationRecord, message: MessageRecord, recipientId: string, identifierHashes: readonly string[]): Promise<void> {
    await write(tx, {
      type: 'chat.message_screened',
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
    });
  }
}
