// Several fixed-window counters taken together or not at all (one Lua script, so two requests
// cannot both squeeze through): a chat message counts against its sender's and its conversation's
// windows, a new conversation against its starter's short and daily windows. A refused request
// counts nowhere, so it costs nothing; a window starts with its first count.
// The scripts go by their SHA (EVALSHA): the text only when Redis answers NOSCRIPT (a restart, a
// SCRIPT FLUSH, a cluster node that never ran it), and that EVAL caches it there again.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface FixedWindow {
  /** The counter's key (the connection's prefix applies). */
  key: string;
  limit: number;
  seconds: number;
  /** How many counts this take adds (default 1): an ADMIN's page of five audited reads is five. */
  hits?: number;
}

/** Returns 0 when counted in every window, else the seconds until the fullest one ends. ARGV: limit, seconds, hits per key. */
const TAKE_ALL_OR_NONE = script(`
local retry = 0
for i = 1, #KEYS do
  local limit = tonumber(ARGV[i * 3 - 2])
  local window = tonumber(ARGV[i * 3 - 1])
  local hits = tonumber(ARGV[i * 3])
  local count = tonumber(redis.call('GET', KEYS[i]) or '0')
  if count + hits > limit then
    local ttl = redis.call('TTL', KEYS[i])
    if ttl < 0 then redis.call('EXPIRE', KEYS[i], window); ttl = window end
    if ttl > retry then retry = ttl end
  end
end
if retry > 0 then return retry end
for i = 1, #KEYS do
  local hits = tonumber(ARGV[i * 3])
  if redis.call('INCRBY', KEYS[i], hits) == hits then redis.call('EXPIRE', KEYS[i], tonumber(ARGV[i * 3 - 1])) end
end
return 0`);

/** Gives one count back to each window that still exists (never below zero). */
const GIVE_BACK = script(`
for i = 1, #KEYS do
  local count = tonumber(redis.call('GET', KEYS[i]) or '0')
  if count > 0 then redis.call('DECR', KEYS[i]) end
end
return 0`);

/** 0 when the request was counted in every window; otherwise the seconds to wait (Retry-After). */
export async function takeFromWindows(redis: Redis, windows: readonly FixedWindow[]): Promise<number> {
  const args = windows.flatMap((window) => [window.limit, window.seconds, window.hits ?? 1]);
  return Number(await run(redis, TAKE_ALL_OR_NONE, windows.map((window) => window.key), args));
}

/** Undoes one take (the work it allowed failed before anything was written). */
export async function giveBackToWindows(redis: Redis, keys: readonly string[]): Promise<void> {
  await run(redis, GIVE_BACK, keys, []);
}

interface LuaScript {
  text: string;
  sha: string;
}

function script(text: string): LuaScript {
  return { text, sha: createHash('sha1').update(text).digest('hex') };
}

/** EVALSHA; on NOSCRIPT, EVAL (which caches the script for the next call). */
async function run(redis: Redis, lua: LuaScript, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
  try {
    return await redis.evalsha(lua.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return redis.eval(lua.text, keys.length, ...keys, ...args);
  }
}
