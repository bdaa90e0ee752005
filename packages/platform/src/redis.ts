import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger.ts';

export type { Redis };

export interface RedisSettings {
  url: string;
  /** Namespace of every key and channel, so several deployments and test runs share one Redis. */
  prefix: string;
}

/** The seed nodes and credentials of a `redis+cluster://` (or `rediss+cluster://`) URL. */
export interface ClusterAddress {
  nodes: Array<{ host: string; port: number }>;
  nodeOptions: Pick<RedisOptions, 'username' | 'password' | 'tls'>;
}

const CLUSTER_URL = /^(rediss?)\+cluster:\/\/(?:([^@/]*)@)?([^/?#]+)\/?$/;

/**
 * `redis+cluster://[user:password@]host:port,host:port,…` names a Redis Cluster by some of its nodes
 * (the client discovers the rest); undefined for a plain `redis://` URL (one Redis).
 */
export function clusterAddressOf(url: string): ClusterAddress | undefined {
  const match = CLUSTER_URL.exec(url);
  if (!match) return undefined;
  const [, scheme, auth, hosts] = match;
  const nodes = hosts!.split(',').map((node) => {
    const parsed = new URL(`redis://${node}`);
    return { host: parsed.hostname, port: Number(parsed.port || 6379) };
  });
  const credentials = auth ? new URL(`redis://${auth}@cluster`) : undefined;
  return {
    nodes,
    nodeOptions: {
      username: credentials?.username ? decodeURIComponent(credentials.username) : undefined,
      password: credentials?.password ? decodeURIComponent(credentials.password) : undefined,
      tls: scheme === 'rediss' ? {} : undefined,
    },
  };
}

export function isClusterUrl(url: string): boolean {
  return CLUSTER_URL.test(url);
}

/** A valid REDIS_URL: a `redis://`/`rediss://` URL of one Redis, or a cluster's seed list. */
export function isRedisUrl(url: string): boolean {
  if (!isClusterUrl(url)) return URL.canParse(url) && /^rediss?:$/.test(new URL(url).protocol);
  try {
    return clusterAddressOf(url)!.nodes.every((node) => node.host && Number.isInteger(node.port));
  } catch {
    return false; // a node that is no host:port
  }
}

/**
 * A connection to `url`: one Redis, or a Redis Cluster for a `redis+cluster://` URL. Typed as Redis
 * because a Cluster answers the same commands, as long as the keys of one command, transaction or
 * script share a hash slot: createRedis and queuePrefix see to that.
 */
export function connectRedis(url: string, options: RedisOptions = {}): Redis {
  const cluster = clusterAddressOf(url);
  if (!cluster) return new Redis(url, options);
  const { keyPrefix, enableOfflineQueue, enableReadyCheck, lazyConnect, ...perNode } = options;
  const client = new Cluster(cluster.nodes, {
    keyPrefix,
    enableOfflineQueue,
    enableReadyCheck,
    lazyConnect,
    // ioredis gives a node 1 s to answer CLUSTER SLOTS, then fails every queued command: too short for a
    // busy host starting many connections at once (a CLI opening every queue).
    slotsRefreshTimeout: 10_000,
    redisOptions: { ...cluster.nodeOptions, ...perNode },
  });
  return client as unknown as Redis;
}

/**
 * A client for cache, counters and publishing; every key gets `<prefix>:` automatically. On a
 * cluster the prefix is a hash tag, `{<prefix>}:`: the services' multi-key commands (MGET of token
 * revocations, MULTI, the rate-limit and fixed-window scripts) then stay in one slot. These keys are
 * small and short-lived; the queues, which carry the load, each get a slot of their own (queuePrefix).
 */
/** What createRedis puts before every key; on a cluster a hash tag, so multi-key commands stay in one slot. */
export function redisKeyPrefix(settings: RedisSettings): string {
  return isClusterUrl(settings.url) ? `{${settings.prefix}}:` : `${settings.prefix}:`;
}

/**
 * How long a command of createRedis' connections may take before it fails. Without it, a command sent
 * while Redis is away waits in ioredis' offline queue until a third reconnect attempt in a row fails:
 * 0.3 s at first, but 10–15 s once the outage is a few seconds old (measured with ioredis 6). That is
 * longer than the gateway's subgraph deadline (10 s), so a listing page whose cache read was waiting
 * came back as SUBGRAPH_UNAVAILABLE instead of from PostgreSQL, and a signed-in request waited 15 s
 * for its "try again" (test/faults/redis-restart.faults.test.ts). Loose enough for a busy machine's
 * event loop: these commands answer in well under a millisecond when Redis is there.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 2_000;

export function createRedis(settings: RedisSettings, options: RedisOptions = {}): Redis {
  return connectRedis(settings.url, {
    keyPrefix: redisKeyPrefix(settings),
    lazyConnect: false,
    enableOfflineQueue: true,
    // A request must not hang for long while Redis is away: callers fall back to PostgreSQL, or
    // refuse with a retryable error where a check cannot run without Redis.
    maxRetriesPerRequest: 2,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    ...options,
  });
}

/**
 * A connection for BullMQ (queues and workers). BullMQ refuses ioredis' keyPrefix and needs
 * `maxRetriesPerRequest: null` for blocking commands; the prefix goes to BullMQ's own option.
 */
export function createQueueConnection(settings: RedisSettings): Redis {
  return connectRedis(settings.url, { maxRetriesPerRequest: null, enableReadyCheck: false });
}

/**
 * BullMQ's key prefix for the queue `queueName`. Every BullMQ script touches only its own queue's keys,
 * so on a cluster each queue gets a hash tag of its own, `<prefix>:bull:{<queue>}`, and the queues
 * spread over the shards (one tag for every queue would put them all on one). One Redis keeps the
 * untagged `<prefix>:bull`, so deployments' queued jobs stay where they are.
 */
export function queuePrefix(settings: RedisSettings, queueName: string): string {
  if (!isClusterUrl(settings.url)) return `${settings.prefix}:bull`;
  if (/[{}]/.test(settings.prefix)) throw new Error(`REDIS_PREFIX "${settings.prefix}" has a brace: on a Redis Cluster Anshim adds the hash tags itself, and a tag in the prefix would put every queue in one slot`);
  return `${settings.prefix}:bull:{${queueName}}`;
}

/**
 * Logs a connection's outages once each (lost, then back) instead of ioredis' "Unhandled error event"
 * on stderr for every refused reconnect attempt; the attempts themselves go to debug.
 */
export function logConnectionState(redis: Redis, logger: Logger, connection: string): void {
  let lost = false;
  redis.on('error', (error: Error) => logger.debug({ err: error, connection }, 'redis connection error'));
  // 'reconnecting', not 'close': a connection closed on purpose (quit at shutdown) does not reconnect.
  redis.on('reconnecting', () => {
    if (lost) return;
    lost = true;
    logger.warn({ connection }, `redis connection lost; its commands fail within ${REDIS_COMMAND_TIMEOUT_MS} ms until it is back`);
  });
  redis.on('ready', () => {
    if (!lost) return;
    lost = false;
    logger.info({ connection }, 'redis connection back');
  });
}

/** Pub/sub channels ignore the logical database number and ioredis' keyPrefix: prefix them by hand. */
export function channelName(settings: Pick<RedisSettings, 'prefix'>, name: string): string {
  return `${settings.prefix}:ch:${name}`;
}

/** Pub/sub: one subscriber connection per process, fanning messages out to in-process listeners. */
export class RedisChannelHub {
  private readonly subscriber: Redis;
  private readonly listeners = new Map<string, Set<(message: string) => void>>();

  constructor(
    private readonly settings: RedisSettings,
    logger?: Logger,
  ) {
    this.subscriber = connectRedis(settings.url, { maxRetriesPerRequest: null });
    if (logger) logConnectionState(this.subscriber, logger, 'subscriber');
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
