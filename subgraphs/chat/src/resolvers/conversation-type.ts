// Conversation: product and people are references the gateway resolves; counterpart, unread count
// and messages are seen from the viewer.
import { counterpartOf } from '../model.ts';
import type { ConversationResolvers } from '../generated/resolvers-types.ts';

export const Conversation: ConversationResolvers = {
  __resolveReference: (ref, ctx) => ctx.services.conversations.readable(ctx, ref.id).catch(() => null),
  product: (conversation) => ({ id: conversation.productId }),
  buyer: (conversation) => ({ id: conversation.buyerId }),
  seller: (conversation) => ({ id: conversation.sellerId }),
  // An ADMIN reading someone else's conversation sees the seller as the buyer's counterpart.
  counterpart: (conversation, _args, ctx) => ({ id: counterpartOf(conversation, ctx.identity?.userId ?? conversation.buyerId) }),
  lastMessage: (conversation, _args, ctx) => ctx.services.messaging.lastMessage(ctx, conversation),
  unreadCount: (conversation, _args, ctx) => ctx.services.conversations.unreadCount(ctx, conversation),
  safetyNotice: (conversation, _args, ctx) => ctx.services.conversations.safetyNotice(ctx, conversation),
  messages: (conversation, { first, before }, ctx) => ctx.services.messaging.page(ctx, conversation, first, before),
  blockedByViewer: (conversation, _args, ctx) => ctx.services.conversations.blockedByViewer(ctx, conversation),
};
