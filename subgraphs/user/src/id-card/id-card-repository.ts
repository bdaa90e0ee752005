// ID card checks: the only code that reads or writes `id_card_checks`.
import type { Prisma } from '../generated/prisma/client.ts';
import type { Tx, UserPrisma } from '../database.ts';

export const idCardCheckSelect = {
  id: true, userId: true, status: true, contentType: true, photoKey: true, photoSize: true, uploadExpiresAt: true,
  submittedAt: true, decidedAt: true, decidedBy: true, reason: true, purgeAfter: true, photoDeletedAt: true,
  createdAt: true,
} as const satisfies Prisma.IdCardCheckSelect;

export type IdCardCheckRecord = Prisma.IdCardCheckGetPayload<{ select: typeof idCardCheckSelect }>;
export type IdCardCheckStatus = IdCardCheckRecord['status'];

export class IdCardRepository {
  constructor(private readonly prisma: UserPrisma) {}

  async findById(id: string, db: Tx = this.prisma): Promise<IdCardCheckRecord | null> {
    return db.idCardCheck.findUnique({ where: { id }, select: idCardCheckSelect });
  }

  async latestOf(userId: string): Promise<IdCardCheckRecord | null> {
    return this.prisma.idCardCheck.findFirst({ where: { userId }, orderBy: { createdAt: 'desc' }, select: idCardCheckSelect });
  }

  async countCreatedSince(userId: string, since: Date): Promise<number> {
    return this.prisma.idCardCheck.count({ where: { userId, createdAt: { gte: since } } });
  }

  async hasPending(userId: string): Promise<boolean> {
    return (await this.prisma.idCardCheck.count({ where: { userId, status: 'PENDING' } })) > 0;
  }

  async pending(first: number): Promise<IdCardCheckRecord[]> {
    return this.prisma.idCardCheck.findMany({ where: { status: 'PENDING' }, orderBy: { submittedAt: 'asc' }, take: first, select: idCardCheckSelect });
  }

  /** Opens a check; an older one still waiting for its photo is closed (only the newest ticket works). */
  async open(userId: string, id: string, uploadExpiresAt: Date, now: Date): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.idCardCheck.updateMany({ where: { userId, status: 'AWAITING_UPLOAD' }, data: { status: 'EXPIRED' } }),
      this.prisma.idCardCheck.create({ data: { id, userId, uploadExpiresAt, createdAt: now }, select: { id: true } }),
    ]);
  }

  /** AWAITING_UPLOAD → PENDING with the sealed photo; false when another upload (or expiry) got there first. */
  async submit(id: string, photo: { key: string; contentType: string; size: number }, now: Date): Promise<boolean> {
    const { count } = await this.prisma.idCardCheck.updateMany({
      where: { id, status: 'AWAITING_UPLOAD', uploadExpiresAt: { gt: now } },
      data: { status: 'PENDING', photoKey: photo.key, contentType: photo.contentType, photoSize: photo.size, submittedAt: now },
    });
    return count === 1;
  }

  /** PENDING → APPROVED/REJECTED; false when it was decided meanwhile. */
  async decide(tx: Tx, id: string, decision: { status: 'APPROVED' | 'REJECTED'; by: string; reason: string | null; at: Date; purgeAfter: Date }): Promise<boolean> {
    const { count } = await tx.idCardCheck.updateMany({
      where: { id, status: 'PENDING' },
      data: { status: decision.status, decidedBy: decision.by, reason: decision.reason, decidedAt: decision.at, purgeAfter: decision.purgeAfter },
    });
    return count === 1;
  }

  /** Checks whose photo is past its retention and still stored. */
  async photosToPurge(now: Date, limit: number): Promise<Array<{ id: string; photoKey: string }>> {
    const rows = await this.prisma.idCardCheck.findMany({
      where: { purgeAfter: { lte: now }, photoDeletedAt: null, photoKey: { not: null } },
      select: { id: true, photoKey: true },
      orderBy: { purgeAfter: 'asc' },
      take: limit,
    });
    return rows.map((r) => ({ id: r.id, photoKey: r.photoKey! }));
  }

  async markPhotoDeleted(id: string, at: Date): Promise<void> {
    await this.prisma.idCardCheck.update({ where: { id }, data: { photoDeletedAt: at }, select: { id: true } });
  }

  /** Tickets that were never used: EXPIRED, so the user sees why nothing happened. */
  async expireAbandoned(now: Date): Promise<number> {
    const { count } = await this.prisma.idCardCheck.updateMany({ where: { status: 'AWAITING_UPLOAD', uploadExpiresAt: { lte: now } }, data: { status: 'EXPIRED' } });
    return count;
  }
}
