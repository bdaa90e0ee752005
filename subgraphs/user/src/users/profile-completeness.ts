// How much of a profile is filled in and verified, 0-100. The safety score gives up to +5 for it,
// and clients show it as a progress bar, so the weights favour what helps a counterpart trust
// the account (verified contact details) over decoration.
import type { UserRecord, VerificationRecord } from '../model.ts';

export interface ProfileFacts {
  nickname: string | null;
  hasPhone: boolean;
  bio: string | null;
  region: string | null;
  emailVerified: boolean;
  phoneVerified: boolean;
}

export const COMPLETENESS_WEIGHTS = {
  nickname: 10,
  phone: 15,
  bio: 10,
  region: 15,
  emailVerified: 20,
  phoneVerified: 30,
} as const;

const filled = (value: string | null) => value !== null && value.trim().length > 0;

export function profileCompleteness(facts: ProfileFacts): number {
  const w = COMPLETENESS_WEIGHTS;
  const total =
    (filled(facts.nickname) ? w.nickname : 0) +
    (facts.hasPhone ? w.phone : 0) +
    (filled(facts.bio) ? w.bio : 0) +
    (filled(facts.region) ? w.region : 0) +
    (facts.emailVerified ? w.emailVerified : 0) +
    // A verified phone only counts while the number is still on the profile.
    (facts.phoneVerified && facts.hasPhone ? w.phoneVerified : 0);
  return Math.min(100, Math.max(0, total));
}

/** The completeness of a user row with its verifications (the profile_updated events carry it). */
export function completenessOf(user: Pick<UserRecord, 'nickname' | 'phoneEncrypted' | 'bio' | 'region'>, verifications: Pick<VerificationRecord, 'method'>[]): number {
  return profileCompleteness({
    nickname: user.nickname,
    hasPhone: user.phoneEncrypted !== null,
    bio: user.bio,
    region: user.region,
    emailVerified: verifications.some((v) => v.method === 'EMAIL'),
    phoneVerified: verifications.some((v) => v.method === 'SMS'),
  });
}
