import type { QueryResolvers } from '../generated/resolvers-types.ts';

export const conversations: QueryResolvers['conversations'] = (_parent, { first }, ctx) => ctx.services.conversations.list(ctx, first);
export const conversation: QueryResolvers['conversation'] = (_parent, { id }, ctx) => ctx.services.conversations.readable(ctx, id);
