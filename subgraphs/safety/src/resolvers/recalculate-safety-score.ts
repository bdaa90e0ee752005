// ADMIN: recalculate a member's score now (the score service checks the role and records the audit entry).
import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const recalculateSafetyScore: MutationResolvers['recalculateSafetyScore'] = (_parent, args, ctx) =>
  ctx.services.score.recalculate(ctx, args.userId);
