// Check-ins at the meeting spot: the only code that reads or writes `meeting_check_ins`.
import { Prisma, sqlTimestamp, type TransactionPrisma, type Tx } from '../database.ts';

const checkInSelect = { id: true, transactionId: true, userId: true, checkedInAt: true, checkedOutAt: true, alertedAt: true } as const satisfies Prisma.MeetingCheckInSelect;
export type CheckInRecord = Prisma.MeetingCheckInGetPayload<{ select: typeof checkInSelect }>;

export class CheckInRepository {
  constructor(private readonly prisma: TransactionPrisma) {}

  async findOpen(db: Tx, transactionId: string, userId: string): Promise<CheckInRecord | null> {
    return db.meetingCheckIn.findFirst({ where: { transactionId, userId, checkedOutAt: null }, select: checkInSelect });
  }

  async findById(id: string, db: Tx = this.prisma): Promise<CheckInRecord | null> {
    return db.meetingCheckIn.findUnique({ where: { id }, select: checkInSelect });
  }

  /** Throws the unique violation of `meeting_check_ins_open_key` when the party is already checked in. */
  async create(tx: Tx, data: { id: string; transactionId: string; userId: string; at: Date }): Promise<CheckInRecord> {
    return tx.meetingCheckIn.create({ data: { id: data.id, transactionId: data.transactionId, userId: data.userId, checkedInAt: data.at }, select: checkInSelect });
  }

  /** Ends the party's open check-in; null when there is none. */
  async checkOut(tx: Tx, transactionId: string, userId: string, at: Date): Promise<CheckInRecord | null> {
    const rows = await tx.$queryRaw<Array<{ id: string }>>`
      UPDATE meeting_check_ins SET checked_out_at = ${sqlTimestamp(at)}
       WHERE transaction_id = ${transactionId}::uuid AND user_id = ${userId}::uuid AND checked_out_at IS NULL
      RETURNING id::text AS "id"`;
    return rows[0] ? this.findById(rows[0].id, tx) : null;
  }

  /**
   * Marks an open check-in as alerted, once: the row when this call did it, null when it was
   * checked out or alerted before (the delayed job may run twice; only one run publishes).
   */
  async claimOverdue(tx: Tx, id: string, at: Date): Promise<CheckInRecord | null> {
    const rows = await tx.$queryRaw<Array<{ id: string }>>`
      UPDATE meeting_check_ins SET alerted_at = ${sqlTimestamp(at)}
       WHERE id = ${id}::uuid AND checked_out_at IS NULL AND alerted_at IS NULL
      RETURNING id::text AS "id"`;
    return rows[0] ? this.findById(rows[0].id, tx) : null;
  }

  /** Open check-ins not alerted yet (rescheduled at start, in case Redis lost their jobs). */
  async pendingAlerts(limit: number): Promise<CheckInRecord[]> {
    return this.prisma.meetingCheckIn.findMany({ where: { checkedOutAt: null, alertedAt: null }, select: checkInSelect, orderBy: { checkedInAt: 'asc' }, take: limit });
  }

  /**
   * For each (trade, user) pair: the open check-in, else the latest one. One statement for any
   * number of pairs (Transaction.checkedInAt through a loader).
   */
  async latestOf(pairs: ReadonlyArray<{ transactionId: string; userId: string }>): Promise<CheckInRecord[]> {
    if (pairs.length === 0) return [];
    return this.prisma.$queryRaw<CheckInRecord[]>`
      SELECT DISTINCT ON (c.transaction_id, c.user_id)
             c.id::text AS "id", c.transaction_id::text AS "transactionId", c.user_id::text AS "userId",
             c.checked_in_at AS "checkedInAt", c.checked_out_at AS "checkedOutAt", c.alerted_at AS "alertedAt"
        FROM meeting_check_ins c
        JOIN unnest(${pairs.map((p) => p.transactionId)}::uuid[], ${pairs.map((p) => p.userId)}::uuid[]) AS k(transaction_id, user_id)
          ON k.transaction_id = c.transaction_id AND k.user_id = c.user_id
       ORDER BY c.transaction_id, c.user_id, (c.checked_out_at IS NULL) DESC, c.checked_in_at DESC`;
  }
}
