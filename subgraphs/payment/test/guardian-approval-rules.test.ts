// The pure rules of guardian approval: when a payment needs one (thresholds and grades), the code
// both services derive (6 digits, bound to the approval and the secret, typed with spaces or a
// dash), and the owner read failing closed when the user service does not answer.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLogger, guardianApprovalCode, internalReader, isGuardianApprovalCode } from '@anshim/platform';
import { UserOwner } from '../src/copies/user-owner.ts';
import { approvalReason, mayNeedApproval } from '../src/guardian-approval/approval-policy.ts';

const thresholds = { minAmount: 1_000_000, minRiskyAmount: 300_000 };

describe('approvalReason', () => {
  it.each([
    [1_000_000, null, 'LARGE_AMOUNT'],
    [1_000_000, 'VERY_SAFE', 'LARGE_AMOUNT'],
    [999_999, null, null],
    [999_999, 'NORMAL', null],
    [300_000, 'CAUTION', 'RISKY_COUNTERPART'],
    [300_000, 'DANGER', 'RISKY_COUNTERPART'],
    [299_999, 'DANGER', null],
    [500_000, 'SAFE', null],
  ] as const)('%i won to a seller graded %s → %s', (amount, grade, expected) => {
    expect(approvalReason(amount, grade, thresholds)).toBe(expected);
  });

  it('follows configured thresholds, and skips the grade lookup below both', () => {
    expect(approvalReason(50_000, null, { minAmount: 50_000, minRiskyAmount: 10_000 })).toBe('LARGE_AMOUNT');
    expect(mayNeedApproval(299_999, thresholds)).toBe(false);
    expect(mayNeedApproval(300_000, thresholds)).toBe(true);
  });
});

describe('the guardian approval code', () => {
  const secret = 'a'.repeat(64);
  it('is 6 digits, the same for the same approval and secret, different otherwise', () => {
    const id = randomUUID();
    const code = guardianApprovalCode(secret, id);
    expect(code).toMatch(/^\d{6}$/);
    expect(guardianApprovalCode(secret, id.toUpperCase())).toBe(code);
    const others = new Set(Array.from({ length: 50 }, () => guardianApprovalCode(secret, randomUUID())));
    expect(others.size).toBeGreaterThan(45);
    expect(guardianApprovalCode('b'.repeat(64), id)).not.toBe(code);
  });

  it('accepts what a person types (spaces, a dash) and nothing else', () => {
    const id = randomUUID();
    const code = guardianApprovalCode(secret, id);
    expect(isGuardianApprovalCode(secret, id, code)).toBe(true);
    expect(isGuardianApprovalCode(secret, id, ` ${code.slice(0, 3)} - ${code.slice(3)} `)).toBe(true);
    expect(isGuardianApprovalCode(secret, id, code.slice(0, 5))).toBe(false);
    expect(isGuardianApprovalCode(secret, id, `${code}0`)).toBe(false);
    const other = randomUUID();
    expect(isGuardianApprovalCode(secret, other, code)).toBe(guardianApprovalCode(secret, other) === code);
  });
});

describe('reading the approving guardians', () => {
  it('fails closed with TEMPORARILY_UNAVAILABLE when the user service does not answer', async () => {
    const logger = createLogger('payment', 'silent');
    const owner = new UserOwner(internalReader({ caller: 'payment', target: 'user', baseUrl: 'http://127.0.0.1:9/graphql', internalSecret: 'x'.repeat(64), timeoutMs: 200 }), logger);
    const refused = await owner.paymentApproversOf(randomUUID()).catch((error: { extensions?: { code?: string; reason?: string } }) => error);
    expect(refused).toMatchObject({ extensions: { code: 'TEMPORARILY_UNAVAILABLE', reason: 'USER_SERVICE_UNAVAILABLE' } });
  });
});
