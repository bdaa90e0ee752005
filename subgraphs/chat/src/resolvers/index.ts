import { DateTimeScalar } from '@anshim/platform';
import type { Resolvers } from '../generated/resolvers-types.ts';
import { blockConversation, unblockConversation } from './block-conversation.ts';
import { ChatMessage, ChatWarning } from './chat-message-type.ts';
import { Conversation } from './conversation-type.ts';
import { conversation, conversations } from './conversations.ts';
import { markConversationRead } from './mark-conversation-read.ts';
import { Report } from './report-type.ts';
import { sendMessage } from './send-message.ts';
import { startConversation } from './start-conversation.ts';
import { Subscription } from './subscription.ts';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query: { conversations, conversation },
  Mutation: { startConversation, sendMessage, markConversationRead, blockConversation, unblockConversation },
  Subscription,
  Conversation,
  Report,
  ChatMessage,
  ChatWarning,
};
