// Per-request DataLoaders: a page of trades asks PostgreSQL once for their payments, a list of
// payments once for their histories.
import DataLoader from 'dataloader';
import { groupedLoader, keyedLoader } from '@anshim/platform';
import type { ApprovalRecord, ApprovalRepository } from './guardian-approval/approval-repository.ts';
import type { PaymentRecord, StatusChangeRecord } from './model.ts';
import type { PaymentRepository } from './payments/payment-repository.ts';

export interface PaymentLoaders {
  payments: ReturnType<typeof keyedLoader<string, PaymentRecord>>;
  /** A trade's live payment, else its newest one. */
  paymentsOfTransactions: DataLoader<string, PaymentRecord | null>;
  histories: ReturnType<typeof groupedLoader<string, StatusChangeRecord>>;
  /** A payment's guardian approval, by payment id. */
  approvals: DataLoader<string, ApprovalRecord | null>;
}

const LIVE = (status: PaymentRecord['status']) => status !== 'CANCELLED' && status !== 'FAILED';

export function createLoaders(payments: PaymentRepository, approvals: ApprovalRepository): PaymentLoaders {
  return {
    payments: keyedLoader((ids) => payments.byIds(ids), (row) => row.id),
    paymentsOfTransactions: new DataLoader(async (ids) => {
      const rows = await payments.ofTransactions(ids);
      return ids.map((id) => {
        const own = rows.filter((row) => row.transactionId === id);
        return own.find((row) => LIVE(row.status)) ?? own[0] ?? null;
      });
    }),
    histories: groupedLoader((ids) => payments.histories(ids), (row) => row.paymentId),
    approvals: new DataLoader(async (ids) => {
      const rows = await approvals.ofPayments(ids);
      return ids.map((id) => rows.find((row) => row.paymentId === id) ?? null);
    }),
  };
}
