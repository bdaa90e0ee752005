// What sendMessage checks before it writes, read in ONE statement: the conversation, the sender's
// member copy, whether the counterpart blocked the sender, and the sender's recent texts for
// screening. The bench's CPU profile (issue 18) had these as four Prisma queries per message, each
// a round trip plus the client's own per-query work; one raw statement does the same reads at once,
// on plain pg (Prisma's raw-query path was still the largest cost per message after that).
// It also answers which of the text's registry candidates (keyed lookup hashes) chat's copy of the
// fraud registry knows, so screening needs no lookup of its own (issue 18: it waited for the pool).
// The rows are the same ones the separate queries read; the service checks them in the same order.
import type { ChatSql } from '../database.ts';
import type { ConversationRecord } from '../model.ts';
import { unknownMember, type MemberCopy } from '../copies/member-copy-repository.ts';

export interface SendFacts {
  /** Null when the conversation does not exist (or no longer does). */
  conversation: ConversationRecord | null;
  /** The sender's copy (unknownMember when chat has heard nothing about them). */
  sender: MemberCopy;
  /** The counterpart blocked the sender in this conversation (false when not a party). */
  blocked: boolean;
  /** The sender's latest ciphertexts since `since`, newest first, at most `take`. */
  recentCiphers: string[];
  /** Those of the lookup hashes asked about that name a confirmed fraud identifier (known_fraud_identifiers). */
  knownLookupHashes: string[];
}

interface Row extends ConversationRecord {
  blocked: boolean;
  recent: string[] | null;
  known: string[] | null;
  sender: (Omit<MemberCopy, 'statusUntil' | 'heldUntil' | 'warnedUntil'> & { statusUntil: string | null; heldUntil: string | null; warnedUntil: string | null }) | null;
}

/**
 * The statement, on plain pg with $n parameters (chatSql: prepared once per connection). Times
 * leave as timestamptz (AT TIME ZONE 'UTC': the columns hold UTC without a zone), which pg reads
 * exactly; inside the JSON object they carry an explicit offset for the same reason.
 */
const SEND_FACTS = `
    SELECT c.id::text, c.product_id::text AS "productId", c.buyer_id::text AS "buyerId", c.seller_id::text AS "sellerId",
           c.created_at AT TIME ZONE 'UTC' AS "createdAt", c.last_message_at AT TIME ZONE 'UTC' AS "lastMessageAt",
           EXISTS (SELECT 1 FROM conversation_blocks b
                    WHERE b.conversation_id = c.id
                      AND b.blocker_id = CASE WHEN c.buyer_id = $2::uuid THEN c.seller_id ELSE c.buyer_id END) AS blocked,
           ARRAY(SELECT m.text_cipher FROM messages m
                  WHERE m.conversation_id = c.id AND m.sender_id = $2::uuid AND m.sent_at >= (to_timestamp($3::float8 / 1000) AT TIME ZONE 'UTC')
                  ORDER BY m.seq DESC LIMIT $4::int) AS recent,
           (SELECT json_build_object(
                     'userId', u.user_id::text, 'status', u.status, 'statusUntil', u.status_until AT TIME ZONE 'UTC', 'restricted', u.restricted,
                     'verificationRequired', u.verification_required, 'verificationMissing', u.verification_missing,
                     'protectedMode', u.protected_mode, 'minCounterpartGrade', u.min_counterpart_grade, 'protectChats', u.protect_chats,
                     'grade', u.grade, 'held', u.held, 'heldUntil', u.held_until AT TIME ZONE 'UTC', 'warned', u.warned, 'warnedUntil', u.warned_until AT TIME ZONE 'UTC')
              FROM user_copies u WHERE u.user_id = $2::uuid) AS sender,
           ARRAY(SELECT k.lookup_hash FROM known_fraud_identifiers k WHERE k.lookup_hash = ANY($5::text[])) AS known
      FROM (SELECT 1) AS one
      LEFT JOIN conversations c ON c.id = $1::uuid`;

export async function readSendFacts(sql: ChatSql, conversationId: string, senderId: string, since: Date, take: number, lookupHashes: readonly string[]): Promise<SendFacts> {
  const rows = await sql.query<Row>(SEND_FACTS, [conversationId, senderId, since.getTime(), take, [...lookupHashes]]);
  const row = rows[0];
  const copy = row?.sender;
  const sender: MemberCopy = copy
    ? { ...copy, statusUntil: dateOrNull(copy.statusUntil), heldUntil: dateOrNull(copy.heldUntil), warnedUntil: dateOrNull(copy.warnedUntil) }
    : unknownMember(senderId);
  const knownLookupHashes = row?.known ?? [];
  if (!row || row.id === null) return { conversation: null, sender, blocked: false, recentCiphers: [], knownLookupHashes };
  const { id, productId, buyerId, sellerId, createdAt, lastMessageAt } = row;
  return { conversation: { id, productId, buyerId, sellerId, createdAt, lastMessageAt }, sender, blocked: row.blocked, recentCiphers: row.recent ?? [], knownLookupHashes };
}

function dateOrNull(value: string | null): Date | null {
  return value === null ? null : new Date(value);
}
