// Messages in PostgreSQL. Text is stored only as FieldCipher ciphertext; this repository seals
// and opens it, so no other layer sees a sealed value. `seq` orders messages and is the cursor.
import type { EventType } from '@anshim/contracts';
import type { FieldCipher, OutboxRow } from '@anshim/platform';
import { chatSql, type ChatPrisma, type ChatSql } from '../database.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { MessageRecord, WarningRecord } from '../model.ts';
import { readSendFacts, type SendFacts } from './send-facts.ts';

const CONTACT_EVENT: EventType = 'chat.contact_observed';

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

/**
 * store's statement (plain pg, $n parameters, prepared once per connection: see the method). It
 * first locks the conversation's row and reads when the sender's contact was last announced (FOR
 * UPDATE waits for a concurrent send and then sees what that one wrote); the contact is due on the
 * party's first message or $9 ms after the last announcement, and the update moves it. So two
 * concurrent sends of one party announce once, even within the same millisecond.
 */
const STORE = `
      WITH prior AS (
        SELECT id, (CASE WHEN buyer_id = $4::uuid THEN buyer_contact_at ELSE seller_contact_at END) AS contact_at
          FROM conversations WHERE id = $1::uuid FOR UPDATE
      ), due AS (
        SELECT id, (contact_at IS NULL OR contact_at <= (to_timestamp(($2::float8 - $9::float8) / 1000) AT TIME ZONE 'UTC')) AS contact_due FROM prior
      ), touched AS (
        UPDATE conversations c SET
               last_message_at = (to_timestamp($2::float8 / 1000) AT TIME ZONE 'UTC'),
               buyer_contact_at = CASE WHEN c.buyer_id = $4::uuid AND due.contact_due THEN (to_timestamp($2::float8 / 1000) AT TIME ZONE 'UTC') ELSE c.buyer_contact_at END,
               seller_contact_at = CASE WHEN c.seller_id = $4::uuid AND due.contact_due THEN (to_timestamp($2::float8 / 1000) AT TIME ZONE 'UTC') ELSE c.seller_contact_at END
          FROM due
         WHERE c.id = due.id
        RETURNING c.id, due.contact_due
      ), stored AS (
        INSERT INTO messages (id, conversation_id, sender_id, text_cipher, masked, warnings, sent_at)
        SELECT $3::uuid, touched.id, $4::uuid, $5::text, $6::boolean, $7::jsonb, (to_timestamp($2::float8 / 1000) AT TIME ZONE 'UTC')
          FROM touched
        RETURNING seq
      ), announced AS (
        INSERT INTO outbox_events (id, topic, type, payload, priority, created_at)
        SELECT e.id::uuid, e.topic, e.type, e.payload::jsonb, e.priority, clock_timestamp() + (e.n - 1) * interval '1 millisecond'
          FROM stored, touched,
               ROWS FROM (jsonb_to_recordset($8::jsonb) AS (id text, topic text, type text, payload text, priority int))
               WITH ORDINALITY AS e(id, topic, type, payload, priority, n)
         WHERE e.type <> '${CONTACT_EVENT}' OR touched.contact_due
        RETURNING 1
      )
      SELECT seq::text, (SELECT count(*) FROM announced)::int AS announced FROM stored`;

/** A message as sendMessage writes it: the repository assigns id and seq; it is unread. */
export type NewMessage = Omit<MessageRecord, 'id' | 'seq' | 'readAt'>;

/** A stored send: the message, and how many outbox rows went with it (none: nothing for the relay to publish). */
export interface StoredMessage {
  message: MessageRecord;
  eventsWritten: number;
}

export class MessageRepository {
  private readonly sql: ChatSql;

  private readonly contactSignalMs: number;

  constructor(
    private readonly prisma: ChatPrisma,
    private readonly cipher: FieldCipher,
    options: { contactSignalMinutes: number },
  ) {
    this.sql = chatSql(prisma);
    this.contactSignalMs = options.contactSignalMinutes * 60_000;
  }

  /**
   * Stores a send in ONE statement, its own transaction: locks the conversation's row and moves its
   * activity time, inserts the message (seq is drawn after the lock, so one conversation's seq order
   * is its commit order across replicas) and its outbox rows (created_at, kept to the millisecond,
   * one millisecond apart so the relay sends them in the given order). Null when the conversation is gone (the retention sweep): then nothing is written.
   * Of `events`, chat.contact_observed is written only when the sender's contact is due (STORE).
   * The bench's profile (issue 18) had this as an interactive transaction of four to six round
   * trips, then as one Prisma raw query; now it is one plain pg statement on Prisma's own pool.
   */
  async store(message: NewMessage & { id: string }, events: readonly OutboxRow[]): Promise<StoredMessage | null> {
    const warnings = JSON.stringify(message.warnings.map(({ code, level }) => ({ code, level })));
    const rows = await this.sql.query<{ seq: string; announced: number }>(STORE, [
      message.conversationId,
      message.sentAt.getTime(),
      message.id,
      message.senderId,
      this.cipher.encrypt(message.text),
      message.masked,
      warnings,
      JSON.stringify(events),
      this.contactSignalMs,
    ]);
    const row = rows[0];
    return row ? { message: { ...message, seq: BigInt(row.seq), readAt: null }, eventsWritten: row.announced } : null;
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

  /** sendMessage's reads in one statement (send-facts.ts); the recent texts stay sealed until openRecent. */
  sendFacts(conversationId: string, senderId: string, since: Date, take: number, lookupHashes: readonly string[] = []): Promise<SendFacts> {
    return readSendFacts(this.sql, conversationId, senderId, since, take, lookupHashes);
  }

  /** SendFacts.recentCiphers (newest first) as screening reads them: opened, oldest first. */
  openRecent(ciphers: readonly string[]): string[] {
    return ciphers.map((cipher) => this.cipher.decrypt(cipher)).reverse();
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
