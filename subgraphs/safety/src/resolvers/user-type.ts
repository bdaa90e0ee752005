// Fields safety adds to User. Each resolves from the id alone; scores of many users in one request
// share one cache round trip (DataLoader).
import type { UserResolvers } from '../generated/resolvers-types.ts';

export const User: UserResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  safetyScore: (user, _args, ctx) => ctx.services.score.score(ctx, user.id),
  safetyDisplay: (user, _args, ctx) => ctx.services.score.display(ctx, user.id),
  safetyHistory: (user, args, ctx) => ctx.services.score.history(ctx, user.id, args.first),
};
