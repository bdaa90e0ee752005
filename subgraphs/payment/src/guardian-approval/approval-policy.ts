// When a guardian must approve a safe payment (issue 19 point 4). Pure: the service asks it with
// the amount, the seller's grade from our copy and the thresholds from env.ts.
//   - at least `minAmount` (default 1,000,000 won) to anyone → LARGE_AMOUNT;
//   - at least `minRiskyAmount` (default 300,000 won) to a seller graded CAUTION or DANGER → RISKY_COUNTERPART.
// A seller safety has not graded yet counts as not risky (the large-amount rule still applies).
// Whether the member has a guardian who approves payments is asked of the user service only after
// this says a reason exists.
import type { Grade } from '../copies/approval-copies.ts';

export type ApprovalReason = 'LARGE_AMOUNT' | 'RISKY_COUNTERPART';

export interface ApprovalThresholds {
  minAmount: number;
  minRiskyAmount: number;
}

const RISKY_GRADES: ReadonlySet<Grade> = new Set(['CAUTION', 'DANGER']);

export function approvalReason(amount: number, sellerGrade: Grade | null, thresholds: ApprovalThresholds): ApprovalReason | null {
  if (amount >= thresholds.minAmount) return 'LARGE_AMOUNT';
  if (amount >= thresholds.minRiskyAmount && sellerGrade !== null && RISKY_GRADES.has(sellerGrade)) return 'RISKY_COUNTERPART';
  return null;
}

/** Whether the seller's grade alone could call for approval at this amount (spares reading it for small payments). */
export function mayNeedApproval(amount: number, thresholds: ApprovalThresholds): boolean {
  return amount >= Math.min(thresholds.minAmount, thresholds.minRiskyAmount);
}
