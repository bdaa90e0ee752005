import type { QueryResolvers } from '../generated/resolvers-types.ts';

export const user: QueryResolvers['user'] = (_parent, { id }, ctx) => ctx.services.users.byId(ctx, id);

export const searchUsers: QueryResolvers['searchUsers'] = (_parent, { query, first }, ctx) => ctx.services.users.search(ctx, query, first);
