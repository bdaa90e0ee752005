import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const checkOutOfMeetingSpot: MutationResolvers['checkOutOfMeetingSpot'] = (_parent, { transactionId }, ctx) => ctx.services.checkIns.checkOut(ctx, transactionId);
