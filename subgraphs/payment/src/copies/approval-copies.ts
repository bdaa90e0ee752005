// What a guardian approval needs to know of others, kept from their events (payment never reads
// another service's tables): each member's latest safety grade (safety.score_changed; the highest
// version wins, so a late event changes nothing) and each listing's title (product.created), for
// the guardian's SMS. Written only by the consumer.
import type { PaymentPrisma, Tx } from '../database.ts';

export type Grade = 'VERY_SAFE' | 'SAFE' | 'NORMAL' | 'CAUTION' | 'DANGER';

export class ApprovalCopies {
  constructor(private readonly prisma: PaymentPrisma) {}

  async saveGrade(tx: Tx, userId: string, grade: Grade, version: number): Promise<void> {
    await tx.counterpartGrade.upsert({ where: { userId }, create: { userId, grade, version }, update: {} });
    await tx.counterpartGrade.updateMany({ where: { userId, version: { lt: version } }, data: { grade, version } });
  }

  /** Null when safety has not graded the member yet (an unknown grade is not risky). */
  async gradeOf(userId: string, tx: Tx = this.prisma): Promise<Grade | null> {
    const row = await tx.counterpartGrade.findUnique({ where: { userId } });
    return (row?.grade as Grade | undefined) ?? null;
  }

  async saveTitle(tx: Tx, productId: string, title: string): Promise<void> {
    await tx.productTitle.upsert({ where: { productId }, create: { productId, title }, update: { title } });
  }

  async titleOf(productId: string, tx: Tx = this.prisma): Promise<string | null> {
    return (await tx.productTitle.findUnique({ where: { productId } }))?.title ?? null;
  }
}
