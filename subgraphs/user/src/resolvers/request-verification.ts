import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const requestVerification: MutationResolvers['requestVerification'] = (_parent, { method }, ctx) =>
  ctx.services.verifications.request(ctx, method);
