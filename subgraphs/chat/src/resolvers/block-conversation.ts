import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const blockConversation: MutationResolvers['blockConversation'] = (_parent, { conversationId }, ctx) => ctx.services.conversations.block(ctx, conversationId);
export const unblockConversation: MutationResolvers['unblockConversation'] = (_parent, { conversationId }, ctx) =>
  ctx.services.conversations.unblock(ctx, conversationId);
