import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const recalculateSafetyScore: MutationResolvers['recalculateSafetyScore'] = (_parent, args, ctx) =>
  ctx.services.safety.recalculate(ctx, args.userId);
