// Builds the chat subgraph (does not listen) on the kit's defineSubgraph, which owns the logger,
// Prisma, Redis, the outbox relay, the Redis subscriber and graphql-ws on /graphql, and the start and
// stop order. Here: the repositories, the conversation and messaging services, the message screen,
// the send rate limits and the event consumer that keeps the listing and member copies (the listing
// copy reads through to transaction for a listing whose event has not arrived yet). Composition
// only. index.ts and tests call start/stop.
import { businessCounter, defineSubgraph, eventCounter, FieldCipher, internalReader, type SubgraphServer } from '@anshim/platform';
import { contextBuilder } from './context.ts';
import { AdminReadLimit } from './conversations/admin-read-limit.ts';
import { AdminReadLinks } from './conversations/admin-read-links.ts';
import { ConversationRepository } from './conversations/conversation-repository.ts';
import { ConversationService } from './conversations/conversation-service.ts';
import { StartRateLimit } from './conversations/start-rate-limit.ts';
import { CopyRepository } from './copies/copy-repository.ts';
import { KnownFraudRepository } from './copies/known-fraud-repository.ts';
import { MemberCopyRepository } from './copies/member-copy-repository.ts';
import { ReadThroughListings } from './copies/read-through-listings.ts';
import { createDatabase, type ChatPrisma, type Tx } from './database.ts';
import { loadChatEnv, type ChatEnv } from './env.ts';
import { chatHandlers } from './inbound/consumers.ts';
import { RetentionSweep } from './jobs/retention-sweep.ts';
import { MessagePublisher } from './messaging/message-channels.ts';
import { MessageRepository } from './messaging/message-repository.ts';
import { MessagingService } from './messaging/messaging-service.ts';
import { OrderedDelivery } from './messaging/ordered-delivery.ts';
import { detectorScreen } from './messaging/detector-screen.ts';
import { measuredScreen, unscreened } from './messaging/measured-screen.ts';
import { SendRateLimit } from './messaging/send-rate-limit.ts';
import { exportPoolTimes, sendTimings } from './messaging/send-timings.ts';
import type { MessageScreen } from './model.ts';
import { ChatEvents } from './outbound/chat-events.ts';
import { resolvers } from './resolvers/index.ts';

export interface ChatServerOptions {
  /** The screen every message passes before delivery (default: the screening folder's detectors). */
  screen?: MessageScreen;
}

/** Started: relay, event consumer, retention sweep, then HTTP; stopped the other way round. */
export type ChatServer = SubgraphServer<
  ChatEnv,
  ChatPrisma,
  { conversations: ConversationService; messaging: MessagingService; copies: CopyRepository; retention: RetentionSweep }
>;

export async function buildChatServer(overrides: Record<string, string | undefined> = {}, options: ChatServerOptions = {}): Promise<ChatServer> {
  const env = loadChatEnv(overrides);
  return defineSubgraph({
    name: 'chat',
    env,
    schema: new URL('../schema.graphql', import.meta.url),
    resolvers,
    database: (databaseUrl) => createDatabase({ databaseUrl, poolSize: env.CHAT_DB_POOL_SIZE }),
    subscriptions: true,
    compose: ({ env, logger, prisma, redis, redisSettings, afterCommit, hub, consume, metrics }) => {
      const cipher = new FieldCipher(env.DATA_ENCRYPTION_KEY);
      const members = new MemberCopyRepository(prisma);
      const repositories = { conversations: new ConversationRepository(prisma), messages: new MessageRepository(prisma, cipher, { contactSignalMinutes: env.CHAT_CONTACT_SIGNAL_MINUTES }), members };
      const copies = new CopyRepository(prisma);
      const listings = new ReadThroughListings(
        prisma,
        copies,
        internalReader({ caller: 'chat', target: 'transaction', baseUrl: env.CHAT_TRANSACTION_SUBGRAPH_URL, internalSecret: env.INTERNAL_SECRET, timeoutMs: env.CHAT_INTERNAL_READ_TIMEOUT_MS }),
        logger,
      );
      const links = new AdminReadLinks(prisma);
      const knownFraud = new KnownFraudRepository(prisma, cipher);
      exportPoolTimes(prisma, metrics);
      const timings = sendTimings(metrics);
      // The registry lookup timed on its own: the screen's only await, only for a candidate the send's facts read did not answer (one the recent texts make).
      const timedRegistry = { knownAmong: (candidates: Parameters<KnownFraudRepository['knownAmong']>[0]) => (candidates.length === 0 ? knownFraud.knownAmong(candidates) : timings.time('registry', () => knownFraud.knownAmong(candidates))) };
      const startLimit = new StartRateLimit(redis, {
        perShortWindow: env.CHAT_START_LIMIT,
        shortWindowSeconds: env.CHAT_START_WINDOW_SECONDS,
        perDay: env.CHAT_START_DAILY_LIMIT,
      });
      const adminReadLimit = new AdminReadLimit(
        redis,
        { perWindow: env.CHAT_ADMIN_READ_LIMIT, windowSeconds: env.CHAT_ADMIN_READ_WINDOW_SECONDS },
        eventCounter(metrics, 'anshim_chat_admin_reads_refused_total', 'Audited ADMIN conversation reads refused over CHAT_ADMIN_READ_LIMIT (a stolen ADMIN token paging through conversations?)'),
        logger,
      );
      const conversations = new ConversationService({ conversations: repositories.conversations, listings, members, links, startLimit, adminReadLimit });
      const messaging = new MessagingService({
        conversations,
        messages: repositories.messages,
        events: new ChatEvents(),
        screen: measuredScreen(options.screen ?? (env.CHAT_SCREENING ? detectorScreen(timedRegistry, cipher) : unscreened), metrics),
        rateLimit: new SendRateLimit(redis, {
          perMember: env.CHAT_MEMBER_RATE_LIMIT,
          perConversation: env.CHAT_CONVERSATION_RATE_LIMIT,
          windowSeconds: env.CHAT_RATE_WINDOW_SECONDS,
        }),
        publisher: new MessagePublisher({ redis, redisSettings, logger }),
        delivery: new OrderedDelivery(),
        recent: { messages: env.CHAT_SCREEN_RECENT_MESSAGES, seconds: env.CHAT_SCREEN_RECENT_SECONDS },
        afterCommit,
        fraudStopped: businessCounter(metrics, 'fraudStopped', [{ kind: 'masked_message' }, { kind: 'held_message' }]),
        timings,
      });
      const retention = new RetentionSweep({
        conversations: repositories.conversations,
        links,
        retentionDays: env.CHAT_RETENTION_DAYS,
        intervalMinutes: env.CHAT_RETENTION_SWEEP_MINUTES,
        redis: redisSettings,
        logger,
      });
      return {
        context: contextBuilder({ services: { conversations, messaging }, repositories, hub: hub() }),
        consumer: env.CHAT_CONSUME_EVENTS ? consume<Tx>((hooks) => chatHandlers({ copies, members, links, knownFraud }, hooks)) : undefined,
        jobs: [retention.job],
        expose: { conversations, messaging, copies, retention },
      };
    },
  });
}
