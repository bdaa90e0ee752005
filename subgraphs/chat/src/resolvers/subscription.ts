// Subscription.chatMessages over the subscriber's own Redis channel (messages to or from them),
// optionally narrowed to one conversation they take part in.
import { fromPublished, type PublishedMessage } from '../messaging/message-channels.ts';
import type { SubscriptionResolvers } from '../generated/resolvers-types.ts';

export const Subscription: SubscriptionResolvers = {
  chatMessages: {
    subscribe: (_parent, { conversationId }, ctx) => ctx.services.messaging.subscribe(ctx, conversationId),
    resolve: (message: PublishedMessage) => fromPublished(message),
  },
};
