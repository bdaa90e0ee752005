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
  guardianCheckUnavailable: {
    ko: '보호자 승인이 필요한지 지금 확인할 수 없어요. 돈은 나가지 않았어요. 잠시 후 다시 시도해 주세요.',
    en: 'We cannot check right now whether a guardian must approve this payment. No money was taken. Please try again shortly.',
  },
  approvalNotFound: { ko: '승인 요청을 찾을 수 없어요. 문자에 있는 주소로 다시 들어와 주세요.', en: 'We could not find that approval request. Please open the link in the text message again.' },
  approvalCodeRequired: { ko: '문자로 받은 승인번호 6자리를 입력해 주세요.', en: 'Please enter the 6-digit code from the text message.' },
  approvalCodeWrong: (left: number): LocalizedText => ({
    ko: `승인번호가 맞지 않아요. 문자로 받은 6자리 번호를 다시 확인해 주세요 (${left}번 더 입력할 수 있어요).`,
    en: `That code is not right. Please check the 6-digit code in the text message (${left} more ${left === 1 ? 'try' : 'tries'}).`,
  }),
  approvalCodeLocked: {
    ko: '승인번호가 여러 번 틀려 이 요청은 잠겼어요. 결제는 진행되지 않아요. 회원님께 결제를 다시 시작해 달라고 해 주세요.',
    en: 'The code was entered wrongly too many times, so this request is locked and the payment will not go ahead. Ask the member to start the payment again.',
  },
  approvalExpired: {
    ko: '승인 기한이 지나 이 결제는 취소되었어요. 필요하면 회원님께 결제를 다시 시작해 달라고 해 주세요.',
    en: 'The time to answer has passed, so this payment was cancelled. Ask the member to start it again if needed.',
  },
  approvalPaymentGone: { ko: '이 결제는 이미 취소되어 답하지 않으셔도 돼요.', en: 'This payment was already cancelled, so no answer is needed.' },
  approvalDecided: { ko: '이 승인 요청에는 이미 답하셨어요.', en: 'This approval request has already been answered.' },
  /** GuardianApproval.reason: why the guardian is asked. */
  approvalReason: {
    LARGE_AMOUNT: { ko: '큰 금액의 결제라 보호자의 확인이 필요해요.', en: 'This is a large payment, so a guardian is asked to confirm it.' },
    RISKY_COUNTERPART: {
      ko: '판매자의 안전 등급이 낮아(주의 이하) 보호자의 확인이 필요해요.',
      en: "The seller's safety grade is low (caution or worse), so a guardian is asked to confirm it.",
    },
  } satisfies Record<string, LocalizedText>,
  /** PaymentStatusChange.reason in plain words: the guardian's steps (told kindly to the member) and a moderator's decision (payments/dispute-decisions.ts). */
  historyReason: {
    GUARDIAN_APPROVAL_REQUESTED: { ko: '보호자님께 승인을 요청했어요. 보호자가 승인하면 결제할 수 있어요.', en: 'We asked your guardian to approve. You can pay once they do.' },
    GUARDIAN_APPROVED: { ko: '보호자가 승인했어요. 이제 결제할 수 있어요.', en: 'Your guardian approved. You can pay now.' },
    GUARDIAN_DECLINED: {
      ko: '보호자가 이번 결제를 거절해 결제가 취소되었어요. 돈은 나가지 않았어요. 보호자와 한 번 이야기해 보시고, 필요하면 다시 시작해 주세요.',
      en: 'Your guardian declined this payment, so it was cancelled. No money was taken. Talk it over with them, and start again if you still want to.',
    },
    GUARDIAN_EXPIRED: {
      ko: '보호자의 답이 기한 안에 오지 않아 결제가 취소되었어요. 돈은 나가지 않았어요. 보호자와 연락한 뒤 다시 시작할 수 있어요.',
      en: 'Your guardian did not answer in time, so the payment was cancelled. No money was taken. You can start again after reaching them.',
    },
    TRADE_DISPUTED_BY_BUYER: {
      ko: '구매자가 거래에 문제를 신고해, 돈은 운영자가 확인할 때까지 그대로 보관돼요.',
      en: 'The buyer reported a problem with the trade: the money stays held until a moderator decides.',
    },
    TRADE_DISPUTED_BY_SELLER: {
      ko: '판매자가 거래에 문제를 신고해, 돈은 운영자가 확인할 때까지 그대로 보관돼요.',
      en: 'The seller reported a problem with the trade: the money stays held until a moderator decides.',
    },
    TRADE_DISPUTED: { ko: '거래에 문제가 신고되어 결제가 취소되었어요. 돈은 나가지 않았어요.', en: 'A problem with the trade was reported, so the payment was cancelled. No money was taken.' },
    DISPUTE_UPHELD: {
      ko: '운영자가 구매자의 문제 신고를 받아들여, 보관 중이던 돈을 구매자에게 환불했어요.',
      en: "A moderator upheld the buyer's complaint: the held money was refunded to the buyer.",
    },
    DISPUTE_DISMISSED: {
      ko: '운영자가 구매자의 문제 신고를 검토했지만 문제를 확인하지 못해, 보관 중이던 돈을 판매자에게 지급했어요.',
      en: "A moderator reviewed the buyer's complaint and found no problem: the held money was paid to the seller.",
    },
  } satisfies Record<string, LocalizedText>,
  statusReason: {
    HELD: { ko: '결제가 완료되어 안심결제가 돈을 보관하고 있어요.', en: 'Paid: the money is held safely until the trade completes.' },
    RELEASED: { ko: '거래가 끝나 판매자에게 지급했어요.', en: 'The trade is complete: the money went to the seller.' },
    REFUNDED: { ko: '거래가 취소되어 구매자에게 환불했어요.', en: 'The trade was cancelled: the money went back to the buyer.' },
    CANCELLED: { ko: '결제 전에 거래가 취소되었어요.', en: 'The trade was cancelled before payment.' },
    FAILED: { ko: '결제가 이루어지지 않았어요.', en: 'The payment did not go through.' },
  } satisfies Record<string, LocalizedText>,
} as const;
