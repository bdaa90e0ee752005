// The payment's vocabulary, shared by its domains (escrow, ledger, providers, guardian approval):
// statuses as the schema names them, who may move a payment, and the ledger's account kinds.

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
