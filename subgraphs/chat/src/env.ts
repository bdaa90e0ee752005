// The chat service's configuration, parsed once. The only file of this service that reads
// process.env; defaults make a local run work with no .env at all.
import { z } from 'zod';
import { booleanFlag, envLoader, subgraphEnvShape } from '@anshim/platform';

export const chatEnvSchema = z.object({
  ...subgraphEnvShape('chat', { port: 4006, opsPort: 9106 }),
  CHAT_MEMBER_RATE_LIMIT: z.coerce.number().int().min(1).max(10_000).default(30)
    .describe('messages one member may send (over all conversations) per CHAT_RATE_WINDOW_SECONDS'),
  CHAT_CONVERSATION_RATE_LIMIT: z.coerce.number().int().min(1).max(10_000).default(60)
    .describe('messages one conversation may carry (both parties together) per CHAT_RATE_WINDOW_SECONDS'),
  CHAT_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60).describe('the chat rate limits\' fixed window'),
  CHAT_SCREEN_RECENT_MESSAGES: z.coerce.number().int().min(0).max(50).default(5)
    .describe('how many of the sender\'s previous messages screening sees (numbers split across messages)…'),
  CHAT_SCREEN_RECENT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600).describe('…if sent within this many seconds'),
  CHAT_CONSUME_EVENTS: booleanFlag(true).describe('consume product/user/monitor events (the listing and member copies chat reads)'),
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
