// Per-request DataLoaders, so a page of conversations asks PostgreSQL once per field, not once per
// conversation. The unread counts are the viewer's, so loaders are built per request and viewer.
import DataLoader from 'dataloader';
import { groupedLoader, keyedLoader } from '@anshim/platform';
import type { ConversationRepository, ReadStateRecord } from './conversations/conversation-repository.ts';
import type { MemberCopy, MemberCopyRepository } from './copies/member-copy-repository.ts';
import type { MessageRepository } from './messaging/message-repository.ts';
import type { MessageRecord } from './model.ts';

export interface ChatLoaders {
  lastMessages: ReturnType<typeof keyedLoader<string, MessageRecord>>;
  readStates: ReturnType<typeof groupedLoader<string, ReadStateRecord>>;
  /** The viewer's unread messages per conversation. */
  unreadCounts: DataLoader<string, number>;
  /** Whether a conversation holds a message masked for the viewer (sent to them; any, for an ADMIN). */
  hasMasked: DataLoader<string, boolean>;
  /** Whether the viewer blocked the conversation. */
  blockedByViewer: DataLoader<string, boolean>;
  /** Members' copies (grade, hold, warning) by user id: the counterparts' safety notices. */
  members: DataLoader<string, MemberCopy>;
}

export interface LoaderSources {
  conversations: ConversationRepository;
  messages: MessageRepository;
  members: MemberCopyRepository;
}

export function createLoaders(deps: LoaderSources, viewerId: string | null): ChatLoaders {
  return {
    lastMessages: keyedLoader((ids) => deps.messages.latest(ids), (row) => row.conversationId),
    readStates: groupedLoader((ids) => deps.conversations.readStates(ids), (row) => row.conversationId),
    unreadCounts: new DataLoader(async (ids) => {
      const counts = viewerId ? await deps.conversations.unreadCounts(viewerId, ids) : [];
      return ids.map((id) => counts.find((row) => row.conversationId === id)?.unread ?? 0);
    }),
    hasMasked: new DataLoader(async (ids) => {
      const masked = new Set(await deps.messages.withMasked(ids, viewerId));
      return ids.map((id) => masked.has(id));
    }),
    blockedByViewer: new DataLoader(async (ids) => {
      const blocked = new Set(viewerId ? await deps.conversations.blockedBy(viewerId, ids) : []);
      return ids.map((id) => blocked.has(id));
    }),
    members: new DataLoader((ids) => deps.members.members(ids)),
  };
}
