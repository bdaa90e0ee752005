import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { commonMessages } from '../../src/i18n.ts';
import { isUuid, requireAdmin, requireIdentity, requireRole } from '../../src/kit/authorization.ts';

const member = { userId: 'a1b2c3d4-0000-4000-8000-000000000001', role: 'USER' as const };
const admin = { ...member, role: 'ADMIN' as const };

function refusal(check: () => unknown): { code: unknown; localized: unknown } {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return { code: (error as AppError).extensions.code, localized: (error as AppError).localized };
  }
  throw new Error('expected a refusal');
}

describe('requireIdentity / requireRole', () => {
  it('gives the signed-in identity, and UNAUTHENTICATED with the common wording to nobody', () => {
    expect(requireIdentity({ identity: member })).toBe(member);
    expect(refusal(() => requireIdentity({ identity: null }))).toEqual({ code: 'UNAUTHENTICATED', localized: commonMessages.signInFirst });
  });

  it('lets a role through and refuses others with FORBIDDEN; an anonymous caller is asked to sign in first', () => {
    expect(requireAdmin({ identity: admin })).toBe(admin);
    expect(requireRole({ identity: member }, 'USER')).toBe(member);
    expect(refusal(() => requireAdmin({ identity: member }))).toEqual({ code: 'FORBIDDEN', localized: commonMessages.adminOnly });
    expect(refusal(() => requireRole({ identity: admin }, 'USER')).code).toBe('FORBIDDEN');
    expect(refusal(() => requireAdmin({ identity: null })).code).toBe('UNAUTHENTICATED');
  });
});

describe('isUuid', () => {
  it('accepts any hex UUID in either case and nothing else', () => {
    expect(isUuid('a1b2c3d4-0000-4000-8000-000000000001')).toBe(true);
    expect(isUuid('A1B2C3D4-0000-4000-8000-00000000000F')).toBe(true);
    expect(isUuid('00000000-0000-0000-0000-000000000000')).toBe(true);
    for (const bad of ['', 'not-a-uuid', 'a1b2c3d4-0000-4000-8000-00000000000g', 'a1b2c3d4000040008000000000000001', ' a1b2c3d4-0000-4000-8000-000000000001', null, undefined, 42]) {
      expect(isUuid(bad)).toBe(false);
    }
  });
});
