// REQUIRE_VERIFICATION in force here: the member cannot list products or start trades until the
// user service says the requirement is satisfied or cleared (user.verification_requirement_changed).
// The refusal is FORBIDDEN with `reason: VERIFICATION_REQUIRED` and `missing`, so an app can open
// the right verification screen, and its message says in plain words what to do.
import { ForbiddenError } from '@anshim/platform';
import { messages } from '../messages.ts';
import type { RiskEffectsRepository } from './risk-effects-repository.ts';

export async function refuseWhileVerificationRequired(riskEffects: RiskEffectsRepository, userId: string): Promise<void> {
  const requirement = await riskEffects.requirementOf(userId);
  if (!requirement) return;
  throw new ForbiddenError(messages.verificationRequired(requirement.missing), { reason: 'VERIFICATION_REQUIRED', missing: requirement.missing });
}
