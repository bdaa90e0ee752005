import type { QueryResolvers } from '../generated/resolvers-types.ts';

export const safeTradeZones: QueryResolvers['safeTradeZones'] = (_parent, args, ctx) => ctx.services.zones.search(ctx, args);
