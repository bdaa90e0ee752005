// What every resolver receives: the request scope (identity, locale, logger, loaders, the Redis
// subscriber) plus this service's services. Composition only; services never import this file.
import type { RedisChannelHub, RequestContext } from '@anshim/platform';
import type { ConversationService } from './conversations/conversation-service.ts';
import { createLoaders, type LoaderSources } from './loaders.ts';
import type { MessagingService } from './messaging/messaging-service.ts';
import type { ChatScope } from './scope.ts';

export interface ChatServices {
  conversations: ConversationService;
  messaging: MessagingService;
}

export interface ChatContext extends ChatScope {
  services: ChatServices;
}

export interface ContextParts {
  services: ChatServices;
  /** What the loaders read. */
  repositories: LoaderSources;
  hub: RedisChannelHub;
}

/** Each request's context: the shared services and subscriber, and fresh loaders for this viewer. */
export function contextBuilder({ services, repositories, hub }: ContextParts): (base: RequestContext) => ChatContext {
  return (base) => ({ ...base, services, hub, loaders: createLoaders(repositories, base.identity?.userId ?? null) });
}
