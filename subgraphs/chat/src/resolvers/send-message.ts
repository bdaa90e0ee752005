import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const sendMessage: MutationResolvers['sendMessage'] = (_parent, { conversationId, text }, ctx) => ctx.services.messaging.send(ctx, conversationId, text);
