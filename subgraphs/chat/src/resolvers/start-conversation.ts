import type { MutationResolvers } from '../generated/resolvers-types.ts';

export const startConversation: MutationResolvers['startConversation'] = (_parent, { productId }, ctx) => ctx.services.conversations.start(ctx, productId);
