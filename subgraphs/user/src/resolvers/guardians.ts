// addGuardian / confirmGuardian / removeGuardian: the rules live in GuardianService.
import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const addGuardian: MutationResolvers['addGuardian'] = (_parent, { input }, ctx) => ctx.services.guardians.add(ctx, input);

export const confirmGuardian: MutationResolvers['confirmGuardian'] = (_parent, { guardianId, code }, ctx) =>
  ctx.services.guardians.confirm(ctx, guardianId, code);

export const removeGuardian: MutationResolvers['removeGuardian'] = (_parent, { id }, ctx) => ctx.services.guardians.remove(ctx, id);

export const setGuardianApprovesPayments: MutationResolvers['setGuardianApprovesPayments'] = (_parent, { guardianId, approvesPayments }, ctx) =>
  ctx.services.guardians.setApprovesPayments(ctx, guardianId, approvesPayments);
