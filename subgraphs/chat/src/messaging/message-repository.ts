// Messages in PostgreSQL. Text is stored only as FieldCipher ciphertext; this repository seals
// and opens it, so no other layer sees a sealed value. `seq` orders messages and is the cursor.
import { randomUUID } from 'node:crypto';
import type { FieldCipher } from '@anshim/platform';
import type { ChatPrisma, Tx } from '../database.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { MessageRecord, WarningRecord } from '../model.ts';

interface MessageRow {
  id: string;
  seq: bigint;
  conversationId: string;
  senderId: string;
  textCipher: string;
  masked: boolean;
  warnings: Prisma.JsonValue;
  sentAt: Date;
}

/** A message as sendMessage writes it: the repository assigns id and seq; it is unread. */
export type NewMessage = Omit<MessageRecord, 'id' | 'seq' | 'readAt'>;

export class MessageRepository {
  constructor(
    private readonly prisma: ChatPrisma,
    private readonly cipher: FieldCipher,
  ) {}

  async insert(tx: Tx, message: NewMessage): Promise<MessageRecord> {
    const row = await tx.message.create({
      data: {
        id: randomUUID(),
        conversationId: message.conversationId,
        senderId: message.senderId,
        textCipher: this.cipher.encrypt(message.text),
        masked: message.masked,
        warnings: message.warnings.map(({ code, level }) => ({ code, level })),
        sentAt: message.sentAt,
      },
    });
    return this.toRecord(row);
  }

  /** Up to `take` messages older than `beforeSeq` (all when absent), oldest first, and whether older ones remain. */
  async page(conversationId: string, take: number, beforeSeq: bigint | null): Promise<{ messages: MessageRecord[]; hasOlder: boolean }> {
    const rows = await this.prisma.message.findMany({
      where: { conversationId, ...(beforeSeq !== null ? { seq: { lt: beforeSeq } } : {}) },
      orderBy: { seq: 'desc' },
      take: take + 1,
    });
    const hasOlder = rows.length > take;
    return { messages: rows.slice(0, take).reverse().map((row) => this.toRecord(row)), hasOlder };
  }

  /** The sender's latest texts in the conversation since `since`, oldest first (what screening reads across messages). */
  async recentTexts(tx: Tx, conversationId: string, senderId: string, since: Date, take: number): Promise<string[]> {
    if (take === 0) return [];
    const rows = await tx.message.findMany({
      where: { conversationId, senderId, sentAt: { gte: since } },
      orderBy: { seq: 'desc' },
      take,
      select: { textCipher: true },
    });
    return rows.reverse().map((row) => this.cipher.decrypt(row.textCipher));
  }

  /** The newest message of each conversation (one query for a page of conversations). */
  async latest(conversationIds: readonly string[]): Promise<MessageRecord[]> {
    if (conversationIds.length === 0) return [];
    const rows = await this.prisma.$queryRaw<MessageRow[]>`
      SELECT DISTINCT ON (conversation_id) id::text, seq, conversation_id::text AS "conversationId", sender_id::text AS "senderId",
             text_cipher AS "textCipher", masked, warnings, sent_at AS "sentAt"
        FROM messages
       WHERE conversation_id = ANY(${[...conversationIds]}::uuid[])
       ORDER BY conversation_id, seq DESC`;
    return rows.map((row) => this.toRecord(row));
  }

  /**
   * Conversations that hold a masked message the viewer received (Conversation.safetyNotice): the
   * sender's own masked message was held back from the other party, not from them. `viewerId` null
   * or an ADMIN reading someone else's: any masked message.
   */
  async withMasked(conversationIds: readonly string[], viewerId: string | null): Promise<string[]> {
    const rows = await this.prisma.message.findMany({
      where: { conversationId: { in: [...conversationIds] }, masked: true, ...(viewerId ? { senderId: { not: viewerId } } : {}) },
      distinct: ['conversationId'],
      select: { conversationId: true },
    });
    return rows.map((row) => row.conversationId);
  }

  private toRecord(row: MessageRow): MessageRecord {
    return {
      id: row.id,
      seq: BigInt(row.seq),
      conversationId: row.conversationId,
      senderId: row.senderId,
      text: this.cipher.decrypt(row.textCipher),
      masked: row.masked,
      warnings: Array.isArray(row.warnings) ? (row.warnings as unknown as WarningRecord[]) : [],
      sentAt: row.sentAt,
      readAt: null,
    };
  }
}
