// Every sentence this service shows a person, in Korean (default) and English, in plain words:
// what happened and what to do next. The refusals every service shares come from commonMessages.
import { commonMessages, type LocalizedText } from '@anshim/platform';

export const messages = {
  ...commonMessages,
  badId: { ko: '잘못된 ID예요.', en: 'That id is not valid.' },
  paymentNotFound: { ko: '결제를 찾을 수 없어요.', en: 'We could not find that payment.' },
  tradeNotFound: { ko: '거래를 찾을 수 없어요.', en: 'We could not find that trade.' },
  buyerOnly: { ko: '안심결제는 이 거래의 구매자만 시작할 수 있어요.', en: 'Only the buyer of this trade can start a safe payment.' },
  tradeNotAccepted: {
    ko: '판매자가 거래를 수락한 뒤에 안심결제를 시작할 수 있어요.',
    en: 'You can start a safe payment once the seller has accepted the trade.',
  },
  paymentExists: {
    ko: '이 거래에는 이미 안심결제가 있어요. 거래 화면에서 결제 상태를 확인해 주세요.',
    en: 'This trade already has a safe payment. Check its status on the trade.',
  },
  providerUnavailable: {
    ko: '결제사가 지금 응답하지 않아요. 돈은 나가지 않았어요. 잠시 후 다시 시도해 주세요.',
    en: 'The payment provider is not answering right now. No money was taken. Please try again shortly.',
  },
  disputeBuyerOnly: { ko: '문제 신고는 이 결제의 구매자만 할 수 있어요.', en: 'Only the buyer of this payment can report a problem with it.' },
  disputeNotHeld: {
    ko: '보관 중인 결제에만 문제를 신고할 수 있어요. 이미 판매자에게 지급되었거나 환불된 결제예요.',
    en: 'You can only report a problem while the money is held. This payment was already paid out or refunded.',
  },
  reasonRequired: { ko: '어떤 문제가 있었는지 적어 주세요 (1,000자까지).', en: 'Please say what went wrong (up to 1,000 characters).' },
  checkoutAmountMismatch: {
    ko: '결제 금액이 거래 금액과 달라 결제를 승인하지 않았어요. 돈은 나가지 않았어요.',
    en: 'The amount paid differs from the trade price, so the payment was not approved. No money was taken.',
  },
  statusReason: {
    HELD: { ko: '결제가 완료되어 안심결제가 돈을 보관하고 있어요.', en: 'Paid: the money is held safely until the trade completes.' },
    RELEASED: { ko: '거래가 끝나 판매자에게 지급했어요.', en: 'The trade is complete: the money went to the seller.' },
    REFUNDED: { ko: '거래가 취소되어 구매자에게 환불했어요.', en: 'The trade was cancelled: the money went back to the buyer.' },
    CANCELLED: { ko: '결제 전에 거래가 취소되었어요.', en: 'The trade was cancelled before payment.' },
    FAILED: { ko: '결제가 이루어지지 않았어요.', en: 'The payment did not go through.' },
  } satisfies Record<string, LocalizedText>,
  /** PaymentStatusChange.reason of a moderator's decision (payments/dispute-decisions.ts), in plain words. */
  historyReason: {
    DISPUTE_UPHELD: {
      ko: '운영자가 구매자의 문제 신고를 받아들여, 보관 중이던 돈을 구매자에게 환불했어요.',
      en: "A moderator upheld the buyer's complaint: the held money was refunded to the buyer.",
    },
    DISPUTE_DISMISSED: {
      ko: '운영자가 구매자의 문제 신고를 검토했지만 문제를 확인하지 못해, 보관 중이던 돈을 판매자에게 지급했어요.',
      en: "A moderator reviewed the buyer's complaint and found no problem: the held money was paid to the seller.",
    },
  } satisfies Record<string, LocalizedText>,
} as const;
