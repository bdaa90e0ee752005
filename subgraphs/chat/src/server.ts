// Builds the chat subgraph (does not listen) on the kit's defineSubgraph, which owns the logger,
// Prisma, Redis, the outbox relay, the Redis subscriber and graphql-ws on /graphql, and the start and
// stop order. Here: the repositories, the conversation and messaging services, the message screen,
// the send rate limits and the event consumer that keeps the listing and member copies. Composition
// only. index.ts and tests call start/stop.
import { defineSubgraph, FieldCipher, type SubgraphServer } from '@anshim/platform';
import { contextBuilder } from './context.ts';
import { ConversationRepository } from './conversations/conversation-repository.ts';
import { ConversationService } from './conversations/conversation-service.ts';
import { CopyRepository } from './copies/copy-repository.ts';
import { KnownFraudRepository } from './copies/known-fraud-repository.ts';
import { createDatabase, type ChatPrisma, type Tx } from './database.ts';
import { loadChatEnv, type ChatEnv } from './env.ts';
import { chatHandlers } from './inbound/consumers.ts';
import { MessagePublisher } from './messaging/message-channels.ts';
import { MessageRepository } from './messaging/message-repository.ts';
import { MessagingService } from './messaging/messaging-service.ts';
import { OrderedDelivery } from './messaging/ordered-delivery.ts';
import { detectorScreen } from './messaging/detector-screen.ts';
import { measuredScreen, unscreened } from './messaging/measured-screen.ts';
import { SendRateLimit } from './messaging/send-rate-limit.ts';
import type { MessageScreen } from './model.ts';
import { ChatEvents } from './outbound/chat-events.ts';
import { resolvers } from './resolvers/index.ts';

export interface ChatServerOptions {
  /** The screen every message passes before delivery (default: the screening folder's detectors). */
  screen?: MessageScreen;
}

/** Started: relay, event consumer, then HTTP; stopped the other way round. */
export type ChatServer = SubgraphServer<ChatEnv, ChatPrisma, { conversations: ConversationService; messaging: MessagingService; copies: CopyRepository }>;

export async function buildChatServer(overrides: Record<string, string | undefined> = {}, options: ChatServerOptions = {}): Promise<ChatServer> {
  return defineSubgraph({
    name: 'chat',
    env: loadChatEnv(overrides),
    schema: new URL('../schema.graphql', import.meta.url),
    resolvers,
    database: (databaseUrl) => createDatabase({ databaseUrl }),
    subscriptions: true,
    compose: ({ env, logger, prisma, redis, redisSettings, afterCommit, hub, consume, metrics }) => {
      const cipher = new FieldCipher(env.DATA_ENCRYPTION_KEY);
      const repositories = { conversations: new ConversationRepository(prisma), messages: new MessageRepository(prisma, cipher) };
      const copies = new CopyRepository(prisma);
      const knownFraud = new KnownFraudRepository(prisma, cipher);
      const conversations = new ConversationService({ conversations: repositories.conversations, copies });
      const messaging = new MessagingService({
        prisma,
        conversations,
        messages: repositories.messages,
        copies,
        events: new ChatEvents(),
        screen: measuredScreen(options.screen ?? (env.CHAT_SCREENING ? detectorScreen(knownFraud) : unscreened), metrics),
        rateLimit: new SendRateLimit(redis, {
          perMember: env.CHAT_MEMBER_RATE_LIMIT,
          perConversation: env.CHAT_CONVERSATION_RATE_LIMIT,
          windowSeconds: env.CHAT_RATE_WINDOW_SECONDS,
        }),
        publisher: new MessagePublisher({ redis, redisSettings, logger }),
        delivery: new OrderedDelivery(),
        recent: { messages: env.CHAT_SCREEN_RECENT_MESSAGES, seconds: env.CHAT_SCREEN_RECENT_SECONDS },
        afterCommit,
      });
      return {
        context: contextBuilder({ services: { conversations, messaging }, repositories, hub: hub() }),
        consumer: env.CHAT_CONSUME_EVENTS ? consume<Tx>((hooks) => chatHandlers({ copies, knownFraud }, hooks)) : undefined,
        expose: { conversations, messaging, copies },
      };
    },
  });
}
