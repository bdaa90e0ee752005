// User, extended by this service: reports about them and the sanction in force (both batched).
import type { UserResolvers } from '../generated/resolvers-types.ts';

export const User: UserResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  reportsAgainst: (user, _args, ctx) => ctx.services.reports.against(ctx, user.id),
  activeSanction: (user, _args, ctx) => ctx.services.reports.activeSanction(ctx, user.id),
};
