// Conversations, each party's read position and the ADMIN-read audit log in PostgreSQL.
import { randomUUID } from 'node:crypto';
import { auditEventWriter } from '@anshim/platform';
import type { ChatPrisma } from '../database.ts';
import type { ConversationRecord } from '../model.ts';

const auditEvent = auditEventWriter('chat');

export interface ReadStateRecord {
  conversationId: string;
  userId: string;
  lastReadSeq: bigint;
  readAt: Date;
}

export class ConversationRepository {
  constructor(private readonly prisma: ChatPrisma) {}

  findById(id: string): Promise<ConversationRecord | null> {
    return this.prisma.conversation.findUnique({ where: { id } });
  }

  findByIds(ids: readonly string[]): Promise<ConversationRecord[]> {
    return this.prisma.conversation.findMany({ where: { id: { in: [...ids] } } });
  }

  /**
   * The one conversation of (product, buyer). Concurrent starts of it take turns on a transaction
   * advisory lock of the pair, so exactly one inserts it (after `beforeInsert`, which may refuse:
   * then nothing is written) and the others find it. `created`: this call inserted it.
   */
  async openOnce(
    parts: { productId: string; buyerId: string; sellerId: string },
    beforeInsert: () => Promise<void>,
  ): Promise<{ conversation: ConversationRecord; created: boolean }> {
    const { productId, buyerId } = parts;
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`chat.start:${productId}:${buyerId}`}))`;
      const existing = await tx.conversation.findUnique({ where: { productId_buyerId: { productId, buyerId } } });
      if (existing) return { conversation: existing, created: false };
      await beforeInsert();
      return { conversation: await tx.conversation.create({ data: { id: randomUUID(), ...parts } }), created: true };
    });
  }

  findByProductAndBuyer(productId: string, buyerId: string): Promise<ConversationRecord | null> {
    return this.prisma.conversation.findUnique({ where: { productId_buyerId: { productId, buyerId } } });
  }

  /** The member's conversations, newest activity first. */
  listForUser(userId: string, take: number): Promise<ConversationRecord[]> {
    return this.prisma.conversation.findMany({
      where: { OR: [{ buyerId: userId }, { sellerId: userId }] },
      orderBy: [{ lastMessageAt: 'desc' }, { id: 'desc' }],
      take,
    });
  }

  /** Idempotent: blocking twice keeps the first time. */
  async block(conversationId: string, blockerId: string, at: Date): Promise<void> {
    await this.prisma.conversationBlock.createMany({ data: [{ conversationId, blockerId, at }], skipDuplicates: true });
  }

  async unblock(conversationId: string, blockerId: string): Promise<void> {
    await this.prisma.conversationBlock.deleteMany({ where: { conversationId, blockerId } });
  }

  /** The conversations among `conversationIds` that `blockerId` blocked (one query for a page). */
  async blockedBy(blockerId: string, conversationIds: readonly string[]): Promise<string[]> {
    const rows = await this.prisma.conversationBlock.findMany({ where: { blockerId, conversationId: { in: [...conversationIds] } }, select: { conversationId: true } });
    return rows.map((row) => row.conversationId);
  }

  /**
   * Retention: deletes up to `batch` conversations whose last activity is before `cutoff`, with
   * their messages, read states and blocks (ON DELETE CASCADE). The condition is checked again on
   * each row, so a conversation a send has just moved past the cutoff stays.
   */
  async deleteInactive(cutoff: Date, batch: number): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM conversations
       WHERE id IN (SELECT id FROM conversations WHERE last_message_at < ${cutoff} ORDER BY last_message_at LIMIT ${batch})
         AND last_message_at < ${cutoff}`;
  }

  readStates(conversationIds: readonly string[]): Promise<ReadStateRecord[]> {
    return this.prisma.readState.findMany({ where: { conversationId: { in: [...conversationIds] } } });
  }

  /** Everything in the conversation up to its newest message is read by `userId` (never moves back). */
  async markRead(conversationId: string, userId: string, at: Date): Promise<void> {
    const newest = await this.prisma.message.findFirst({ where: { conversationId }, orderBy: { seq: 'desc' }, select: { seq: true } });
    const seq = newest?.seq ?? 0n;
    await this.prisma.$executeRaw`
      INSERT INTO read_states (conversation_id, user_id, last_read_seq, read_at)
      VALUES (${conversationId}::uuid, ${userId}::uuid, ${seq}, ${at})
      ON CONFLICT (conversation_id, user_id) DO UPDATE
        SET last_read_seq = GREATEST(read_states.last_read_seq, EXCLUDED.last_read_seq),
            read_at = CASE WHEN EXCLUDED.last_read_seq > read_states.last_read_seq THEN EXCLUDED.read_at ELSE read_states.read_at END`;
  }

  /** Messages from the counterpart the viewer has not read, per conversation (one query for a page). */
  async unreadCounts(viewerId: string, conversationIds: readonly string[]): Promise<Array<{ conversationId: string; unread: number }>> {
    if (conversationIds.length === 0) return [];
    return this.prisma.$queryRaw<Array<{ conversationId: string; unread: number }>>`
      SELECT m.conversation_id::text AS "conversationId", count(*)::int AS unread
        FROM messages m
        LEFT JOIN read_states r ON r.conversation_id = m.conversation_id AND r.user_id = ${viewerId}::uuid
       WHERE m.conversation_id = ANY(${[...conversationIds]}::uuid[])
         AND m.sender_id <> ${viewerId}::uuid
         AND m.seq > COALESCE(r.last_read_seq, 0)
       GROUP BY m.conversation_id`;
  }

  /** The admin read and chat.admin_action_audited (the console's one audit log) commit together. */
  async auditAdminRead(adminId: string, conversationId: string, at: Date): Promise<void> {
    const id = randomUUID();
    await this.prisma.$transaction(async (tx) => {
      await tx.adminRead.create({ data: { id, adminId, conversationId, at } });
      await auditEvent(tx, { auditId: id, actorId: adminId, action: 'chat.conversation_read', subjectId: conversationId, details: null, at });
    });
  }
}
