import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const confirmVerification: MutationResolvers['confirmVerification'] = (_parent, { challengeId, code }, ctx) =>
  ctx.services.verifications.confirm(ctx, challengeId, code);
