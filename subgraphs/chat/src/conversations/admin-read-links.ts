// What lets an ADMIN open a conversation: a copy of the reports and risk alerts that connect its
// two parties. report.filed links reporter and target (only the conversation about the report's
// listing when it names one); monitor.alert_raised links the alert's subject with each recipient.
// Kept per pair of members, not per conversation, so a report filed before chat heard of the
// conversation (or an alert arriving first) still counts. Redelivery writes nothing new (the
// source id is the key).
import type { ChatPrisma, Tx } from '../database.ts';
import type { ConversationRecord } from '../model.ts';

/** The pair in a fixed order, so (a, b) and (b, a) are one key. */
function ordered(a: string, b: string): { userLow: string; userHigh: string } {
  return a < b ? { userLow: a, userHigh: b } : { userLow: b, userHigh: a };
}

export class AdminReadLinks {
  constructor(private readonly prisma: ChatPrisma) {}

  async reportFiled(tx: Tx, report: { reportId: string; reporterId: string; targetUserId: string; productId: string | null; at: Date }): Promise<void> {
    if (report.reporterId === report.targetUserId) return;
    await tx.adminReadLink.createMany({
      data: [{ source: `report:${report.reportId}`, ...ordered(report.reporterId, report.targetUserId), productId: report.productId, at: report.at }],
      skipDuplicates: true,
    });
  }

  async alertRaised(tx: Tx, alert: { alertId: string; subjectUserId: string; recipientIds: readonly string[]; at: Date }): Promise<void> {
    const data = alert.recipientIds
      .filter((recipient) => recipient !== alert.subjectUserId)
      .map((recipient) => ({ source: `alert:${alert.alertId}:${recipient}`, ...ordered(alert.subjectUserId, recipient), productId: null, at: alert.at }));
    if (data.length) await tx.adminReadLink.createMany({ data, skipDuplicates: true });
  }

  /** Whether a report or alert links this conversation's parties (and, for a report naming a listing, this listing). */
  async isLinked(conversation: ConversationRecord): Promise<boolean> {
    const pair = ordered(conversation.buyerId, conversation.sellerId);
    const link = await this.prisma.adminReadLink.findFirst({
      where: { ...pair, OR: [{ productId: null }, { productId: conversation.productId }] },
      select: { source: true },
    });
    return link !== null;
  }

  /**
   * The conversations one report links (its reporter and target; only the one about the report's
   * listing when it names one), newest activity first. Empty when chat never heard of the report.
   */
  async conversationsOfReport(reportId: string, take: number): Promise<ConversationRecord[]> {
    const link = await this.prisma.adminReadLink.findUnique({ where: { source: `report:${reportId}` } });
    if (!link) return [];
    return this.prisma.conversation.findMany({
      where: {
        OR: [{ buyerId: link.userLow, sellerId: link.userHigh }, { buyerId: link.userHigh, sellerId: link.userLow }],
        ...(link.productId ? { productId: link.productId } : {}),
      },
      orderBy: [{ lastMessageAt: 'desc' }, { id: 'desc' }],
      take,
    });
  }

  /**
   * Retention: links older than `cutoff` whose pair has no conversation left. A link to a pair that
   * still talks stays (an ADMIN may still need it); a younger one stays for a conversation to come.
   */
  async deleteOrphansBefore(cutoff: Date): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM admin_read_links l
       WHERE l.at < ${cutoff}
         AND NOT EXISTS (
           SELECT 1 FROM conversations c
            WHERE (c.buyer_id = l.user_low AND c.seller_id = l.user_high) OR (c.buyer_id = l.user_high AND c.seller_id = l.user_low))`;
  }
}
