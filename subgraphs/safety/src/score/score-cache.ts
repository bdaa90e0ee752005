// The Redis side of a score: the write-through cache (1 h) that reads try first, and the per-user
// pub/sub channel behind `mySafetyScore`. Redis being away never fails a read (PostgreSQL answers)
// nor a recalculation (the cache entry is dropped where possible, and it expires anyway).
import { channelName, type Logger, type Redis, type RedisSettings } from '@anshim/platform';
import type { ScoreRecord } from '../model.ts';

export const scoreCacheKey = (userId: string) => `safety:score:${userId}`;
/** The channel `mySafetyScore` listens on (prefixed by channelName like every channel). */
export const scoreChannel = (userId: string) => `safety.score.${userId}`;

type Stored = Omit<ScoreRecord, 'updatedAt'> & { updatedAt: string };

export function serializeScore(record: ScoreRecord): string {
  return JSON.stringify({ ...record, updatedAt: record.updatedAt.toISOString() } satisfies Stored);
}

export function parseScore(text: string): ScoreRecord {
  const stored = JSON.parse(text) as Stored;
  return { ...stored, updatedAt: new Date(stored.updatedAt) };
}

/**
 * Stores a score only if the cache holds no newer version, and (for write-through) pushes it to the
 * user's channel in the same step. Without the version check a read that missed the cache and
 * fetched the row just before a recalculation committed could put the old score back for an hour,
 * and two recalculations of one user publishing in the other order could do the same.
 * KEYS[1] cache key · ARGV[1] score JSON · ARGV[2] version · ARGV[3] ttl · ARGV[4] channel or ''.
 */
const SET_IF_NEWER = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, stored = pcall(cjson.decode, current)
  if ok and type(stored) == 'table' and tonumber(stored.version) and tonumber(stored.version) >= tonumber(ARGV[2]) then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[3]))
if ARGV[4] ~= '' then redis.call('PUBLISH', ARGV[4], ARGV[1]) end
return 1`;

type ScoreRedis = Redis & {
  setScoreIfNewer(key: string, json: string, version: number, ttl: number, channel: string): Promise<number>;
};

export class ScoreCache {
  private readonly redis: ScoreRedis;

  constructor(
    redis: Redis,
    private readonly settings: Pick<RedisSettings, 'prefix'>,
    private readonly ttlSeconds: number,
    private readonly logger: Logger,
  ) {
    redis.defineCommand('setScoreIfNewer', { numberOfKeys: 1, lua: SET_IF_NEWER });
    this.redis = redis as ScoreRedis;
  }

  /** Cached scores by user id; a miss (or Redis down) is simply absent. */
  async getMany(userIds: readonly string[]): Promise<Map<string, ScoreRecord>> {
    const found = new Map<string, ScoreRecord>();
    if (userIds.length === 0) return found;
    try {
      const values = await this.redis.mget(...userIds.map(scoreCacheKey));
      values.forEach((value, i) => {
        if (value) found.set(userIds[i]!, parseScore(value));
      });
    } catch (error) {
      this.logger.warn({ err: error }, 'score cache read failed; reading PostgreSQL');
    }
    return found;
  }

  /** Fills the cache after a database read (cache-aside on a miss), never over a newer version. */
  async fill(records: readonly ScoreRecord[]): Promise<void> {
    if (records.length === 0) return;
    const pipeline = this.redis.pipeline() as unknown as ScoreRedis;
    for (const record of records) pipeline.setScoreIfNewer(scoreCacheKey(record.userId), serializeScore(record), record.version, this.ttlSeconds, '');
    await (pipeline as unknown as ReturnType<Redis['pipeline']>).exec().catch((error: unknown) => this.logger.warn({ err: error }, 'score cache fill failed'));
  }

  /**
   * After a recalculation committed: write the new scores through and push each to its user's
   * channel, in one round trip. If that fails, try to drop the entries so reads go to PostgreSQL.
   */
  async publish(records: readonly ScoreRecord[]): Promise<void> {
    if (records.length === 0) return;
    const pipeline = this.redis.pipeline() as unknown as ScoreRedis;
    for (const record of records) {
      pipeline.setScoreIfNewer(scoreCacheKey(record.userId), serializeScore(record), record.version, this.ttlSeconds, channelName(this.settings, scoreChannel(record.userId)));
    }
    try {
      const results = await (pipeline as unknown as ReturnType<Redis['pipeline']>).exec();
      const failed = results?.find(([error]) => error);
      if (failed) throw failed[0];
    } catch (error) {
      this.logger.warn({ err: error, users: records.length }, 'score cache write-through failed; dropping entries');
      await this.redis.del(...records.map((r) => scoreCacheKey(r.userId))).catch(() => undefined);
    }
  }
}
