// What sendMessage checks before it writes, read in ONE statement: the conversation, the sender's
// member copy, whether the counterpart blocked the sender, and the sender's recent texts for
// screening. The bench's CPU profile (issue 18) had these as four Prisma queries per message, each
// a round trip plus the client's own per-query work; one raw statement does the same reads at once.
// The rows are the same ones the separate queries read; the service checks them in the same order.
import type { ChatPrisma } from '../database.ts';
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
}

interface Row extends ConversationRecord {
  blocked: boolean;
  recent: string[] | null;
  sender: (Omit<MemberCopy, 'statusUntil' | 'heldUntil' | 'warnedUntil'> & { statusUntil: string | null; heldUntil: string | null; warnedUntil: string | null }) | null;
}

export async function readSendFacts(prisma: ChatPrisma, conversationId: string, senderId: string, since: Date, take: number): Promise<SendFacts> {
  // The member copy comes back as one JSON object under MemberCopy's names; its times (UTC in the
  // table, timestamp without time zone) go out with an explicit offset so JSON keeps them exact.
  const rows = await prisma.$queryRaw<Row[]>`
    SELECT c.id::text, c.product_id::text AS "productId", c.buyer_id::text AS "buyerId", c.seller_id::text AS "sellerId",
           c.created_at AS "createdAt", c.last_message_at AS "lastMessageAt",
           EXISTS (SELECT 1 FROM conversation_blocks b
                    WHERE b.conversation_id = c.id
                      AND b.blocker_id = CASE WHEN c.buyer_id = ${senderId}::uuid THEN c.seller_id ELSE c.buyer_id END) AS blocked,
           ARRAY(SELECT m.text_cipher FROM messages m
                  WHERE m.conversation_id = c.id AND m.sender_id = ${senderId}::uuid AND m.sent_at >= (to_timestamp(${since.getTime()}::float8 / 1000) AT TIME ZONE 'UTC')
                  ORDER BY m.seq DESC LIMIT ${take}) AS recent,
           (SELECT json_build_object(
                     'userId', u.user_id::text, 'status', u.status, 'statusUntil', u.status_until AT TIME ZONE 'UTC', 'restricted', u.restricted,
                     'verificationRequired', u.verification_required, 'verificationMissing', u.verification_missing,
                     'protectedMode', u.protected_mode, 'minCounterpartGrade', u.min_counterpart_grade, 'protectChats', u.protect_chats,
                     'grade', u.grade, 'held', u.held, 'heldUntil', u.held_until AT TIME ZONE 'UTC', 'warned', u.warned, 'warnedUntil', u.warned_until AT TIME ZONE 'UTC')
              FROM user_copies u WHERE u.user_id = ${senderId}::uuid) AS sender
      FROM (SELECT 1) AS one
      LEFT JOIN conversations c ON c.id = ${conversationId}::uuid`;
  const row = rows[0];
  const copy = row?.sender;
  const sender: MemberCopy = copy
    ? { ...copy, statusUntil: dateOrNull(copy.statusUntil), heldUntil: dateOrNull(copy.heldUntil), warnedUntil: dateOrNull(copy.warnedUntil) }
    : unknownMember(senderId);
  if (!row || row.id === null) return { conversation: null, sender, blocked: false, recentCiphers: [] };
  const { id, productId, buyerId, sellerId, createdAt, lastMessageAt } = row;
  return { conversation: { id, productId, buyerId, sellerId, createdAt, lastMessageAt }, sender, blocked: row.blocked, recentCiphers: row.recent ?? [] };
}

function dateOrNull(value: string | null): Date | null {
  return value === null ? null : new Date(value);
}
