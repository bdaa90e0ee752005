// ChatMessage: the sender is a reference; warnings are the recipient's view, worded in the
// caller's language by ChatWarning.
import type { ChatMessageResolvers, ChatWarningResolvers } from '../generated/resolvers-types.ts';

export const ChatMessage: ChatMessageResolvers = {
  sender: (message) => ({ id: message.senderId }),
  warnings: (message, _args, ctx) => ctx.services.messaging.warnings(ctx, message),
};

export const ChatWarning: ChatWarningResolvers = {
  message: (warning, _args, ctx) => ctx.services.messaging.warningText(ctx, warning),
};
