import type { QueryResolvers } from '../generated/resolvers-types.ts';

export const user: QueryResolvers['user'] = (_parent, { id }, ctx) => ctx.services.users.byId(ctx, id);
