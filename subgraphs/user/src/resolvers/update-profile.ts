import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const updateProfile: MutationResolvers['updateProfile'] = (_parent, { input, userId }, ctx) =>
  ctx.services.users.updateProfile(ctx, input, userId);
