// The user service's vocabulary, named once for every domain folder (users, auth, verification,
// guardians, id-card, oidc, delivery) and the events: a user and a verification as the service
// passes them around, account statuses and safety grades, phone numbers and emails and how they
// are shown, the one-time codes sent by email or SMS, the inputs register and updateProfile share,
// and the validation bound to this service's ko/en catalogue.
import { z } from 'zod';
import {
  AppError,
  BadInputError,
  charLength,
  ErrorCode,
  randomDigits,
  validationFor,
  type LocalizedText,
  type RequestContext,
  type SubgraphServerOptions,
} from '@anshim/platform';
import type { Prisma } from './generated/prisma/client.ts';
import { messages } from './messages.ts';

// ── Users and verifications ────────────────────────────────────────────────────────────────────

export const userSelect = {
  id: true, email: true, nickname: true, phoneEncrypted: true, pendingPhoneEncrypted: true, bio: true, region: true,
  role: true, status: true, statusUntil: true, protectedMode: true, minCounterpartGrade: true, protectChats: true,
  twoFactorEnabled: true, photoKey: true, createdAt: true, updatedAt: true,
} as const satisfies Prisma.UserSelect;

/** A user as the rest of the service sees it (no password hash, phone still encrypted). */
export type UserRecord = Prisma.UserGetPayload<{ select: typeof userSelect }>;

export const verificationSelect = { userId: true, method: true, verifiedAt: true } as const satisfies Prisma.VerificationSelect;
export type VerificationRecord = Prisma.VerificationGetPayload<{ select: typeof verificationSelect }>;
export type VerificationMethod = VerificationRecord['method'];

export const SAFETY_GRADES = ['VERY_SAFE', 'SAFE', 'NORMAL', 'CAUTION', 'DANGER'] as const;
export type SafetyGrade = (typeof SAFETY_GRADES)[number];

// ── Account status ─────────────────────────────────────────────────────────────────────────────
// Sanctions state as the rest of the service should see it. A suspension ends on its own at
// `statusUntil`: no job has to flip the row back for the person to be let in again.

export type AccountStatus = 'ACTIVE' | 'SUSPENDED' | 'BANNED';

export interface StatusFacts {
  status: AccountStatus;
  statusUntil: Date | null;
}

export function effectiveStatus(facts: StatusFacts, now: Date = new Date()): AccountStatus {
  if (facts.status === 'SUSPENDED' && facts.statusUntil && facts.statusUntil.getTime() <= now.getTime()) return 'ACTIVE';
  return facts.status;
}

// ── Phone numbers ──────────────────────────────────────────────────────────────────────────────
// Korean mobile numbers, the only kind the marketplace accepts for SMS verification.
// Stored form is the 11 digits `010XXXXXXXX`; what people type varies
// (`010-1234-5678`, `010 1234 5678`, `+82 10-1234-5678`, `+821012345678`).

const NORMALIZED_PHONE = /^010\d{8}$/;

/** Only the digits, so `010-1234-5678` and `01012345678` compare equal. */
export function phoneDigits(value: string): string {
  return value.replace(/\D/g, '');
}

/** `010XXXXXXXX`, or null when the value is not a Korean mobile number. */
export function normalizePhone(value: string): string | null {
  const trimmed = value.trim();
  // Only separators people really type; letters or other symbols mean a typo, not a format.
  if (!/^\+?[\d\s().-]+$/.test(trimmed)) return null;
  let digits = phoneDigits(trimmed);
  // +82 10-... and 82 10-... drop the leading 0 of the national number.
  if (trimmed.startsWith('+82') || (digits.startsWith('8210') && digits.length === 12)) digits = `0${digits.slice(2)}`;
  return NORMALIZED_PHONE.test(digits) ? digits : null;
}

/** `010-1234-5678` for people who may see the whole number. */
export function formatPhone(normalized: string): string {
  return `${normalized.slice(0, 3)}-${normalized.slice(3, 7)}-${normalized.slice(7)}`;
}

/** `010-****-5678`: enough to recognise one's own number, too little to call a stranger. */
export function maskPhone(normalized: string): string {
  return `${normalized.slice(0, 3)}-****-${normalized.slice(-4)}`;
}

// ── Emails ─────────────────────────────────────────────────────────────────────────────────────
// Emails are compared and stored lowercased: `Kim@Example.com` and `kim@example.com` are one account.

export function normalizeEmail(value: string): string {
  return value.trim().toLowerCase();
}

/** `k***@example.com`: tells the owner which inbox to check without spelling out the address. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  const local = email.slice(0, at);
  const visible = local.length <= 2 ? local.slice(0, 1) : local.slice(0, 2);
  return `${visible}***${email.slice(at)}`;
}

// ── One-time codes ─────────────────────────────────────────────────────────────────────────────
// Verification codes (verification/) and guardian invitation codes (guardians/) follow the same
// rules: 6 digits, stored only as a keyed hash, valid for 10 minutes and 5 tries.

export const CODE_TTL_MS = 10 * 60 * 1000;
export const MAX_CODE_ATTEMPTS = 5;

export function newCode(): string {
  return randomDigits(6);
}

/** The code as typed, trimmed. A typo in the format is not a guess: it does not use up an attempt. */
export function typedCode(code: string): string {
  const typed = code.trim();
  if (!/^\d{6}$/.test(typed)) throw new BadInputError(messages.codeFormat, { field: 'code' });
  return typed;
}

/** The refusal of a wrong code after `attempts` wrong ones: how many tries are left, or `locked` when none. */
export function wrongCodeError(attempts: number, locked: LocalizedText): BadInputError {
  const attemptsLeft = Math.max(0, MAX_CODE_ATTEMPTS - attempts);
  return new BadInputError(attemptsLeft === 0 ? locked : messages.codeWrong(attemptsLeft), { field: 'code', attemptsLeft });
}

/** A code (or an invitation) that could not be sent: nothing was kept, the member may try again. */
export function deliveryUnavailableError(): AppError {
  return new AppError(messages.deliveryUnavailable, ErrorCode.INTERNAL_SERVER_ERROR, { retryable: true });
}

// ── Inputs register and updateProfile share ────────────────────────────────────────────────────

// The kit's validation bound to this service's ko/en catalogue: zod issue messages are keys of
// `messages`, and one BAD_USER_INPUT error names every problem (see the platform's kit/validate.ts).
export const { validate } = validationFor(messages);

export const nicknameSchema = z
  .string('nicknameEmpty')
  .trim()
  .min(1, 'nicknameEmpty')
  .refine((v) => charLength(v) <= 30, 'nicknameTooLong')
  // Control characters (and bidi overrides) make a nickname impersonate another in lists.
  .refine((v) => !/[\p{Cc}\u202A-\u202E\u2066-\u2069]/u.test(v), 'nicknameControl');

/** Phone as typed, normalized to 010XXXXXXXX; null or "" means "remove". */
export const phoneInputSchema = z
  .string()
  .nullish()
  .transform((value, ctx) => {
    if (value === undefined) return undefined;
    if (value === null || value.trim() === '') return null;
    const normalized = normalizePhone(value);
    if (!normalized) {
      ctx.addIssue({ code: 'custom', message: 'phoneInvalid' });
      return z.NEVER;
    }
    return normalized;
  });

// ── HTTP routes ────────────────────────────────────────────────────────────────────────────────

/**
 * The express app the platform server hands to `routes` (id-card, oidc, the dev messages route),
 * typed through the platform so this workspace needs no direct dependency on express.
 */
export type HttpApp = Parameters<NonNullable<SubgraphServerOptions<RequestContext>['routes']>>[0];
