// Payments and their status history in PostgreSQL. A status change is a conditional update
// (`WHERE status = from`): of two racing changes exactly one finds the row in the expected status.
import { randomUUID } from 'node:crypto';
import { readByUuids } from '@anshim/platform';
import type { PaymentPrisma, Tx } from '../database.ts';
import type { PaymentActor, PaymentRecord, PaymentStatus, StatusChangeRecord } from '../model.ts';

type Row = Awaited<ReturnType<PaymentPrisma['payment']['findFirstOrThrow']>>;

function toRecord(row: Row): PaymentRecord {
  return { ...row, status: row.status as PaymentStatus };
}

export interface NewPayment {
  transactionId: string;
  productId: string;
  buyerId: string;
  sellerId: string;
  amount: number;
  provider: string;
}

export class PaymentRepository {
  constructor(private readonly prisma: PaymentPrisma) {}

  /**
   * Inserts an AWAITING_PAYMENT payment (AWAITING_GUARDIAN when a guardian must approve it first). When the trade already has a live one the partial unique
   * index refuses it (isUniqueViolation): the caller's transaction is then rolled back as a whole.
   */
  async createLive(tx: Tx, input: NewPayment, status: 'AWAITING_PAYMENT' | 'AWAITING_GUARDIAN' = 'AWAITING_PAYMENT'): Promise<PaymentRecord> {
    const id = randomUUID();
    return toRecord(await tx.payment.create({ data: { id, ...input, status, orderId: `anshim-${id}` } }));
  }

  async byId(id: string, tx: Tx = this.prisma): Promise<PaymentRecord | null> {
    const row = await tx.payment.findUnique({ where: { id } });
    return row ? toRecord(row) : null;
  }

  async byIds(ids: readonly string[]): Promise<PaymentRecord[]> {
    return readByUuids(ids, async (valid) => (await this.prisma.payment.findMany({ where: { id: { in: valid } } })).map(toRecord));
  }

  async byOrderId(orderId: string, tx: Tx = this.prisma): Promise<PaymentRecord | null> {
    const row = await tx.payment.findUnique({ where: { orderId } });
    return row ? toRecord(row) : null;
  }

  /** The trade's live payment, else its newest one (a failed or cancelled start). */
  async ofTransactions(transactionIds: readonly string[]): Promise<PaymentRecord[]> {
    return readByUuids(transactionIds, async (valid) =>
      (await this.prisma.payment.findMany({ where: { transactionId: { in: valid } }, orderBy: { createdAt: 'desc' } })).map(toRecord),
    );
  }

  async liveOfTransaction(tx: Tx, transactionId: string): Promise<PaymentRecord | null> {
    const row = await tx.payment.findFirst({ where: { transactionId, status: { notIn: ['CANCELLED', 'FAILED'] } } });
    return row ? toRecord(row) : null;
  }

  /** Moves `from` → `to` with the given fields; false when the payment is no longer in `from`. */
  async move(tx: Tx, id: string, from: PaymentStatus, to: PaymentStatus, fields: Partial<Pick<PaymentRecord, 'checkoutUrl' | 'providerPaymentKey' | 'autoReleaseAt' | 'fee'>> = {}): Promise<boolean> {
    const { count } = await tx.payment.updateMany({ where: { id, status: from }, data: { status: to, ...fields } });
    return count === 1;
  }

  async setCheckout(id: string, checkoutUrl: string, providerPaymentKey: string): Promise<void> {
    await this.prisma.payment.updateMany({ where: { id, status: 'AWAITING_PAYMENT' }, data: { checkoutUrl, providerPaymentKey } });
  }

  async addHistory(tx: Tx, change: StatusChangeRecord): Promise<void> {
    await tx.paymentStatusChange.create({
      data: { paymentId: change.paymentId, fromStatus: change.from, toStatus: change.to, actor: change.actor, reason: change.reason, at: change.at },
    });
  }

  async histories(paymentIds: readonly string[]): Promise<StatusChangeRecord[]> {
    return readByUuids(paymentIds, async (valid) => {
      const rows = await this.prisma.paymentStatusChange.findMany({ where: { paymentId: { in: valid } }, orderBy: { id: 'asc' } });
      return rows.map((row) => ({
        paymentId: row.paymentId,
        from: row.fromStatus as PaymentStatus | null,
        to: row.toStatus as PaymentStatus,
        actor: row.actor as PaymentActor,
        reason: row.reason,
        at: row.at,
      }));
    });
  }

  /** HELD payments whose auto-release time has passed. */
  async dueForRelease(now: Date, limit: number): Promise<PaymentRecord[]> {
    const rows = await this.prisma.payment.findMany({ where: { status: 'HELD', autoReleaseAt: { lte: now } }, orderBy: { autoReleaseAt: 'asc' }, take: limit });
    return rows.map(toRecord);
  }

  /** Checkouts the provider knows of that have waited since before `before` (a lost return or a crash after the provider confirmed). */
  async awaitingProvider(before: Date, limit: number): Promise<PaymentRecord[]> {
    const rows = await this.prisma.payment.findMany({
      where: { status: 'AWAITING_PAYMENT', providerPaymentKey: { not: null }, updatedAt: { lte: before } },
      orderBy: { updatedAt: 'asc' },
      take: limit,
    });
    return rows.map(toRecord);
  }

  /** REFUNDED payments whose money the provider has not been seen returning yet. */
  async refundsNotReturned(limit: number): Promise<PaymentRecord[]> {
    const rows = await this.prisma.payment.findMany({
      where: { status: 'REFUNDED', entries: { none: { kind: 'REFUND_RETURNED' } } },
      orderBy: { updatedAt: 'asc' },
      take: limit,
    });
    return rows.map(toRecord);
  }
}
