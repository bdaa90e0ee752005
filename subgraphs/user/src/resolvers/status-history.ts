// User.statusHistory and its entries (users/status-history.ts decides who may read it).
import type { AccountStatusChangeResolvers, UserResolvers } from '../generated/resolvers-types.ts';

export const statusHistory: UserResolvers['statusHistory'] = (user, { first }, ctx) => ctx.services.statusHistory.of(ctx, user.id, first);

export const AccountStatusChange: AccountStatusChangeResolvers = {
  actor: (change, _args, ctx) => (change.actorId ? ctx.services.users.byId(ctx, change.actorId) : null),
};
