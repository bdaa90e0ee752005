// The code a guardian types to approve or decline a protected member's safe payment (issue 19
// point 4). Two services need it: payment checks it, user texts it to the guardian. Neither stores
// it nor sends it through a queue: both derive it from the approval's id with a key derived from the
// shared INTERNAL_SECRET, so the outbox, the event bus and both databases hold nothing that lets a
// reader answer an approval. See docs/security/guardian-approval.md.
import { createHmac } from 'node:crypto';
import { safeEqual } from './crypto.ts';

export const GUARDIAN_APPROVAL_CODE_DIGITS = 6;

/** A key of its own (not INTERNAL_SECRET itself), so a leaked code says nothing about service signatures. */
function approvalKey(internalSecret: string): Buffer {
  return createHmac('sha256', internalSecret).update('anshim:guardian-approval-code').digest();
}

/** The 6-digit code of one approval (HMAC-SHA256 of its id, reduced mod 10^6 from 48 bits: no visible bias). */
export function guardianApprovalCode(internalSecret: string, approvalId: string): string {
  const mac = createHmac('sha256', approvalKey(internalSecret)).update(`guardian-approval:${approvalId.toLowerCase()}`).digest();
  return String(mac.readUIntBE(0, 6) % 10 ** GUARDIAN_APPROVAL_CODE_DIGITS).padStart(GUARDIAN_APPROVAL_CODE_DIGITS, '0');
}

/** Constant-time check of a typed code (spaces and dashes a person types are ignored). */
export function isGuardianApprovalCode(internalSecret: string, approvalId: string, typed: string): boolean {
  const cleaned = typed.replace(/[\s-]/g, '');
  return safeEqual(guardianApprovalCode(internalSecret, approvalId), cleaned.padEnd(GUARDIAN_APPROVAL_CODE_DIGITS, ' ').slice(0, 32));
}
