import { Redis, type RedisOptions } from 'ioredis';

export type { Redis };

export interface RedisSettings {
  url: string;
  /** Namespace of every key and channel, so several deployments and test runs share one Redis. */
  prefix: string;
}

/** A client for cache, counters and publishing; every key gets `<prefix>:` automatically. */
export function createRedis(settings: RedisSettings, options: RedisOptions = {}): Redis {
  return new Redis(settings.url, {
    keyPrefix: `${settings.prefix}:`,
    lazyConnect: false,
    enableOfflineQueue: true,
    // A request must not hang for long while Redis is away: callers fall back to PostgreSQL.
    maxRetriesPerRequest: 2,
    ...options,
  });
}

/**
 * A connection for BullMQ (queues and workers). BullMQ refuses ioredis' keyPrefix and needs
 * `maxRetriesPerRequest: null` for blocking commands; the prefix goes to BullMQ's own option.
 */
export function createQueueConnection(settings: RedisSettings): Redis {
  return new Redis(settings.url, { maxRetriesPerRequest: null, enableReadyCheck: false });
}

export function queuePrefix(settings: RedisSettings): string {
  return `${settings.prefix}:bull`;
}

/** Pub/sub channels ignore the logical database number and ioredis' keyPrefix: prefix them by hand. */
export function channelName(settings: Pick<RedisSettings, 'prefix'>, name: string): string {
  return `${settings.prefix}:ch:${name}`;
}

/** Pub/sub: one subscriber connection per process, fanning messages out to in-process listeners. */
export class RedisChannelHub {
  private readonly subscriber: Redis;
  private readonly listeners = new Map<string, Set<(message: string) => void>>();

  constructor(private readonly settings: RedisSettings) {
    this.subscriber = new Redis(settings.url, { maxRetriesPerRequest: null });
    this.subscriber.on('message', (channel: string, message: string) => {
      for (const listener of this.listeners.get(channel) ?? []) listener(message);
    });
  }

  async listen(name: string, listener: (message: string) => void): Promise<() => Promise<void>> {
    const channel = channelName(this.settings, name);
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      await this.subscriber.subscribe(channel);
    }
    set.add(listener);
    return async () => {
      const current = this.listeners.get(channel);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) {
        this.listeners.delete(channel);
        await this.subscriber.unsubscribe(channel).catch(() => undefined);
      }
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.subscriber.disconnect();
  }
}

export async function publish(redis: Redis, settings: Pick<RedisSettings, 'prefix'>, name: string, message: unknown): Promise<void> {
  await redis.publish(channelName(settings, name), JSON.stringify(message));
}

/** One message to several channels, serialized once and sent in one round trip. */
export async function publishToChannels(redis: Redis, settings: Pick<RedisSettings, 'prefix'>, names: readonly string[], message: unknown): Promise<void> {
  const text = JSON.stringify(message);
  const pipeline = redis.pipeline();
  for (const name of names) pipeline.publish(channelName(settings, name), text);
  const replies = (await pipeline.exec()) ?? [];
  const failed = replies.find(([error]) => error);
  if (failed) throw failed[0];
}
