// How messages reach subscriptions: after commit, each message is published on both parties'
// Redis channels; `chatMessages` reads only the subscriber's own channel, so a message costs its
// two readers, not every open subscription. Here: the channel, the wire form and the publisher.
import { publishToChannels, type Logger, type Redis, type RedisSettings } from '@anshim/platform';
import type { MessageRecord } from '../model.ts';

export const userMessageChannel = (userId: string): string => `chat:messages:user:${userId}`;

/** A message as it travels on the channel (dates and seq as strings), with both parties named. */
export type PublishedMessage = Omit<MessageRecord, 'seq' | 'sentAt' | 'readAt'> & { seq: string; sentAt: string; partyIds: string[] };

export function toPublished(message: MessageRecord, partyIds: string[]): PublishedMessage {
  const { seq, sentAt, readAt: _read, ...rest } = message;
  return { ...rest, seq: seq.toString(), sentAt: sentAt.toISOString(), partyIds };
}

export function fromPublished(message: PublishedMessage): MessageRecord {
  const { seq, sentAt, partyIds: _parties, ...rest } = message;
  return { ...rest, seq: BigInt(seq), sentAt: new Date(sentAt), readAt: null };
}

export class MessagePublisher {
  constructor(private readonly deps: { redis: Redis; redisSettings: RedisSettings; logger: Logger }) {}

  /** Never throws: the message is committed already; a subscriber that missed it reads it from `messages`. */
  async publish(message: MessageRecord, partyIds: string[]): Promise<void> {
    await publishToChannels(this.deps.redis, this.deps.redisSettings, partyIds.map(userMessageChannel), toPublished(message, partyIds)).catch((error: unknown) =>
      this.deps.logger.error({ err: error, messageId: message.id }, 'could not publish a chat message to subscribers'),
    );
  }
}
