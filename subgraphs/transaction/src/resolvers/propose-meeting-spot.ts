import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const proposeMeetingSpot: MutationResolvers['proposeMeetingSpot'] = (_parent, { transactionId, zoneId }, ctx) =>
  ctx.services.zones.propose(ctx, transactionId, zoneId);
