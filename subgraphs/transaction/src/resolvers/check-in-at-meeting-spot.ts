import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const checkInAtMeetingSpot: MutationResolvers['checkInAtMeetingSpot'] = (_parent, { transactionId }, ctx) => ctx.services.checkIns.checkIn(ctx, transactionId);
