// Guardian approvals in PostgreSQL: the only code that reads or writes `guardian_approvals`. A
// decision is a conditional update (`WHERE status = 'PENDING'`), so of a guardian's answer and the
// expiry job exactly one wins; wrong codes are counted with an atomic increment.
import type { PaymentPrisma, Tx } from '../database.ts';
import type { Grade } from '../copies/approval-copies.ts';
import type { ApprovalReason } from './approval-policy.ts';

export type ApprovalStatus = 'PENDING' | 'APPROVED' | 'DECLINED' | 'EXPIRED';

export interface ApprovalRecord {
  id: string;
  paymentId: string;
  guardianId: string;
  status: ApprovalStatus;
  reasonCode: ApprovalReason;
  counterpartGrade: Grade | null;
  failedTries: number;
  requestedAt: Date;
  decidedAt: Date | null;
  expiresAt: Date;
}

type Row = Awaited<ReturnType<PaymentPrisma['guardianApproval']['findFirstOrThrow']>>;
const toRecord = (row: Row): ApprovalRecord => ({
  ...row,
  status: row.status as ApprovalStatus,
  reasonCode: row.reasonCode as ApprovalReason,
  counterpartGrade: row.counterpartGrade as Grade | null,
});

export class ApprovalRepository {
  constructor(private readonly prisma: PaymentPrisma) {}

  async create(tx: Tx, input: Pick<ApprovalRecord, 'id' | 'paymentId' | 'guardianId' | 'reasonCode' | 'counterpartGrade' | 'requestedAt' | 'expiresAt'>): Promise<ApprovalRecord> {
    return toRecord(await tx.guardianApproval.create({ data: { ...input, status: 'PENDING' } }));
  }

  async byId(id: string, tx: Tx = this.prisma): Promise<ApprovalRecord | null> {
    const row = await tx.guardianApproval.findUnique({ where: { id } });
    return row ? toRecord(row) : null;
  }

  async ofPayments(paymentIds: readonly string[]): Promise<ApprovalRecord[]> {
    if (paymentIds.length === 0) return [];
    return (await this.prisma.guardianApproval.findMany({ where: { paymentId: { in: [...paymentIds] } } })).map(toRecord);
  }

  /** Counts a wrong code while the approval is pending and not locked; the new count, or null when it is not. */
  async recordWrongCode(id: string, maxTries: number): Promise<number | null> {
    const rows = await this.prisma.guardianApproval.updateManyAndReturn({
      where: { id, status: 'PENDING', failedTries: { lt: maxTries } },
      data: { failedTries: { increment: 1 } },
      select: { failedTries: true },
    });
    return rows[0]?.failedTries ?? null;
  }

  /** PENDING → `to`; false when it was decided or expired meanwhile. */
  async decide(tx: Tx, id: string, to: Exclude<ApprovalStatus, 'PENDING'>, at: Date): Promise<boolean> {
    const { count } = await tx.guardianApproval.updateMany({ where: { id, status: 'PENDING' }, data: { status: to, decidedAt: at } });
    return count === 1;
  }

  /** Pending approvals past their expiresAt (the settle sweep's safety net behind the delayed job). */
  async overdue(now: Date, limit: number): Promise<ApprovalRecord[]> {
    return (await this.prisma.guardianApproval.findMany({ where: { status: 'PENDING', expiresAt: { lte: now } }, orderBy: { expiresAt: 'asc' }, take: limit })).map(toRecord);
  }
}
