import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const setUserStatus: MutationResolvers['setUserStatus'] = (_parent, { userId, status, until, reason }, ctx) =>
  // The DateTime scalar parses to a Date; the generated type also admits strings.
  ctx.services.users.setStatus(ctx, { userId, status, reason, until: until == null ? null : new Date(until) });
