import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const upsertSafeTradeZone: MutationResolvers['upsertSafeTradeZone'] = (_parent, { id, input }, ctx) => ctx.services.zones.upsert(ctx, id, input);
