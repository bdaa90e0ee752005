// The chat service's configuration, parsed once. The only file of this service that reads
// process.env; defaults make a local run work with no .env at all.
import { z } from 'zod';
import { booleanFlag, envLoader, internalReadTimeoutSetting, ownerUrlSetting, subgraphEnvShape } from '@anshim/platform';

export const chatEnvSchema = z.object({
  ...subgraphEnvShape('chat', { port: 4006, opsPort: 9106 }),
  CHAT_MEMBER_RATE_LIMIT: z.coerce.number().int().min(1).max(10_000).default(30)
    .describe('messages one member may send (over all conversations) per CHAT_RATE_WINDOW_SECONDS'),
  CHAT_CONVERSATION_RATE_LIMIT: z.coerce.number().int().min(1).max(10_000).default(60)
    .describe('messages one conversation may carry (both parties together) per CHAT_RATE_WINDOW_SECONDS'),
  CHAT_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60).describe('the chat rate limits\' fixed window'),
  CHAT_START_LIMIT: z.coerce.number().int().min(1).max(10_000).default(20)
    .describe('new conversations one member may start per CHAT_START_WINDOW_SECONDS (returning an existing one is free)'),
  CHAT_START_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600).describe('the short window of CHAT_START_LIMIT'),
  CHAT_START_DAILY_LIMIT: z.coerce.number().int().min(1).max(100_000).default(100).describe('new conversations one member may start per day'),
  CHAT_ADMIN_READ_LIMIT: z.coerce.number().int().min(1).max(10_000).default(120)
    .describe('conversations one ADMIN may read (each read audited: conversation(id), Report.conversations) per CHAT_ADMIN_READ_WINDOW_SECONDS; past it RATE_LIMITED and an alert'),
  CHAT_ADMIN_READ_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3_600).describe('the fixed window of CHAT_ADMIN_READ_LIMIT'),
  CHAT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(180)
    .describe('conversations whose last message is older than this are deleted with their messages, read states and blocks'),
  CHAT_RETENTION_SWEEP_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(60).describe('how often the retention sweep runs'),
  CHAT_SCREEN_RECENT_MESSAGES: z.coerce.number().int().min(0).max(50).default(5)
    .describe('how many of the sender\'s previous messages screening sees (numbers split across messages)…'),
  CHAT_SCREEN_RECENT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600).describe('…if sent within this many seconds'),
  CHAT_CONTACT_SIGNAL_MINUTES: z.coerce.number().int().min(0).max(24 * 60).default(60)
    .describe('a party\'s first message in a conversation is announced to the monitor (chat.contact_observed), then at most one per this many minutes; 0 announces every message'),
  CHAT_TRANSACTION_SUBGRAPH_URL: ownerUrlSetting('transaction', 'the transaction service, asked (signed /internal/trade-facts) about a listing whose product.created has not arrived yet'),
  CHAT_INTERNAL_READ_TIMEOUT_MS: internalReadTimeoutSetting('timeout of one such read (one retry; a circuit breaker fails fast while the owner is down)'),
  CHAT_DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10)
    .describe('PostgreSQL connections per process (a send holds one for its read and one for its write; bench/chat-throughput sizes it)'),
  CHAT_CONSUME_EVENTS: booleanFlag(true).describe('consume product/user/monitor/report/safety events (the listing, member, registry and ADMIN-link copies chat reads)'),
  CHAT_SCREENING: booleanFlag(true)
    .describe('screen every message before delivery; `false` only for bench/chat-throughput\'s run without screening (refused in production)'),
});

/** Unscreened chat would deliver fraud accounts and phishing links: a benchmark's baseline, never production. */
const screeningOnInProduction = (env: z.infer<typeof chatEnvSchema>, ctx: z.RefinementCtx) => {
  if (env.NODE_ENV === 'production' && !env.CHAT_SCREENING) {
    ctx.addIssue({ code: 'custom', path: ['CHAT_SCREENING'], message: 'screening cannot be turned off in production (the switch exists for bench/chat-throughput)' });
  }
};

/** Parses the environment (plus overrides, e.g. from tests); exits listing every problem when it is wrong. */
export const loadChatEnv = envLoader(chatEnvSchema.superRefine(screeningOnInProduction), 'chat');
export type ChatEnv = ReturnType<typeof loadChatEnv>;
