// Per-request DataLoaders, so a page of conversations asks PostgreSQL once per field, not once per
// conversation. The unread counts are the viewer's, so loaders are built per request and viewer.
import DataLoader from 'dataloader';
import { groupedLoader, keyedLoader } from '@anshim/platform';
import type { ConversationRepository, ReadStateRecord } from './conversations/conversation-repository.ts';
import type { MessageRepository } from './messaging/message-repository.ts';
import type { MessageRecord } from './model.ts';

export interface ChatLoaders {
  lastMessages: ReturnType<typeof keyedLoader<string, MessageRecord>>;
  readStates: ReturnType<typeof groupedLoader<string, ReadStateRecord>>;
  /** The viewer's unread messages per conversation. */
  unreadCounts: DataLoader<string, number>;
  /** Whether a conversation holds a masked message. */
  hasMasked: DataLoader<string, boolean>;
}

export function createLoaders(deps: { conversations: ConversationRepository; messages: MessageRepository }, viewerId: string | null): ChatLoaders {
  return {
    lastMessages: keyedLoader((ids) => deps.messages.latest(ids), (row) => row.conversationId),
    readStates: groupedLoader((ids) => deps.conversations.readStates(ids), (row) => row.conversationId),
    unreadCounts: new DataLoader(async (ids) => {
      const counts = viewerId ? await deps.conversations.unreadCounts(viewerId, ids) : [];
      return ids.map((id) => counts.find((row) => row.conversationId === id)?.unread ?? 0);
    }),
    hasMasked: new DataLoader(async (ids) => {
      const masked = new Set(await deps.messages.withMasked(ids));
      return ids.map((id) => masked.has(id));
    }),
  };
}
