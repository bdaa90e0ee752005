import type { UserResolvers } from '../generated/resolvers-types.ts';

export const User: UserResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  riskLevel: (user, _args, ctx) => ctx.services.assessment.riskLevel(ctx, user.id),
};
