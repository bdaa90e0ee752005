import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const markConversationRead: MutationResolvers['markConversationRead'] = (_parent, { conversationId }, ctx) =>
  ctx.services.conversations.markRead(ctx, conversationId);
