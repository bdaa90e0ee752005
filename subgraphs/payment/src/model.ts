// The payment's vocabulary, shared by its domains (escrow, ledger, providers, guardian approval):
// statuses as the schema names them, who may move a payment, and the ledger's account kinds.
import { BadInputError, isUuid } from '@anshim/platform';
import { messages } from './messages.ts';

/** PaymentStatus of the schema. */
export const PAYMENT_STATUSES = ['AWAITING_GUARDIAN', 'AWAITING_PAYMENT', 'HELD', 'RELEASED', 'REFUNDED', 'DISPUTED', 'CANCELLED', 'FAILED'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Statuses in which the payment is finished: nothing moves it again. */
export const FINAL_STATUSES: ReadonlySet<PaymentStatus> = new Set(['RELEASED', 'REFUNDED', 'CANCELLED', 'FAILED']);

/**
 * Who causes a change: the buyer (payer), the provider (its confirmation or failure, through a
 * verified webhook or our confirm call), the guardian (by SMS code), a moderator (an ADMIN deciding
 * a dispute), and the platform itself (trade events, the auto-release and expiry jobs).
 */
export type PaymentActor = 'BUYER' | 'PROVIDER' | 'GUARDIAN' | 'MODERATOR' | 'PLATFORM';

/**
 * Ledger accounts. Debits are positive and credits negative; every entry sums to zero.
 * - PROVIDER_CLEARING (asset): money the provider collected for us and has not paid out yet.
 * - ESCROW_HELD (liability, one per payment): money held for a trade until it is released or refunded.
 * - SELLER_PAYABLE (liability, one per seller): released money owed to the seller until paid out.
 * - BUYER_REFUNDABLE (liability, one per buyer): refunded money owed to the buyer until returned.
 * - PROVIDER_FEES (expense): what the provider charged for collecting.
 */
export const ACCOUNT_KINDS = ['PROVIDER_CLEARING', 'ESCROW_HELD', 'SELLER_PAYABLE', 'BUYER_REFUNDABLE', 'PROVIDER_FEES'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/** A payment as services and resolvers see it. */
export interface PaymentRecord {
  id: string;
  transactionId: string;
  productId: string;
  buyerId: string;
  sellerId: string;
  amount: number;
  status: PaymentStatus;
  provider: string;
  orderId: string;
  providerPaymentKey: string | null;
  checkoutUrl: string | null;
  fee: number;
  autoReleaseAt: Date | null;
  createdAt: Date;
}

export interface StatusChangeRecord {
  paymentId: string;
  from: PaymentStatus | null;
  to: PaymentStatus;
  actor: PaymentActor;
  reason: string | null;
  at: Date;
}

/** A trade as payment knows it (transaction.* events). */
export interface TradeRecord {
  transactionId: string;
  productId: string;
  buyerId: string;
  sellerId: string;
  price: number;
  status: 'REQUESTED' | 'ACCEPTED' | 'COMPLETED' | 'CANCELLED' | 'DISPUTED';
}

/** A caller's id argument: BAD_USER_INPUT unless it looks like an id. */
export function checkId(id: string): string {
  if (!isUuid(id)) throw new BadInputError(messages.badId, { reason: 'BAD_ID' });
  return id;
}

export interface UserRef {
  id: string;
}
export interface TransactionRef {
  id: string;
}
