// Upstream: the entity cache's read in one round trip (docs/caching.md): the entries, their entities'
// versions, and the versions of the other entities some entries depend on (`x`, e.g. a listing's
// seller score). Two MGETs in series before; this script is one request to Redis, run atomically.
import type { Redis } from '@anshim/platform';

/**
 * KEYS: the entry keys, then the version keys. ARGV[1]: how many entry keys; ARGV[2]: the client's
 * key prefix (an entry names its dependencies unprefixed, as the subgraph knows them). Answers
 * { values of KEYS, the dependency keys the entries name (each once), their current values }.
 * MGET in chunks: Lua's unpack() takes at most a few thousand values. Every key of one client
 * shares its prefix, a hash tag on a cluster (platform redis.ts), so the dependency keys are in the
 * slot of KEYS. Only entries whose text has an `"x":` are decoded.
 */
const ENTITY_READ = `
local function mget(keys)
  local out = {}
  for i = 1, #keys, 500 do
    local chunk = redis.call('MGET', unpack(keys, i, math.min(i + 499, #keys)))
    for j = 1, #chunk do out[#out + 1] = chunk[j] end
  end
  return out
end
local values = mget(KEYS)
local entries, prefix = tonumber(ARGV[1]), ARGV[2]
local names, seen = {}, {}
for i = 1, entries do
  local text = values[i]
  if text and string.find(text, '"x":', 1, true) then
    local ok, stored = pcall(cjson.decode, text)
    if ok and type(stored) == 'table' and type(stored.x) == 'table' then
      for name in pairs(stored.x) do
        if type(name) == 'string' and not seen[name] then
          seen[name] = true
          names[#names + 1] = name
        end
      end
    end
  end
end
local keys = {}
for i, name in ipairs(names) do keys[i] = prefix .. name end
return { values, names, mget(keys) }
`;

type EntityReadRedis = Redis & {
  anshimEntityRead(numberOfKeys: number, ...args: Array<string | number>): Promise<[Array<string | null>, string[], Array<string | null>]>;
};

export interface EntityRead {
  /** Entry values, in the order of the entry keys (null: none). */
  entries: Array<string | null>;
  /** Version values, in the order of the version keys (null: none). */
  versions: Array<string | null>;
  /** Each dependency an entry names → its current value ('' when it has none). */
  dependencies: Map<string, string>;
}

export class EntityReader {
  private readonly redis: EntityReadRedis;
  private readonly prefix: string;

  constructor(redis: Redis) {
    if (!('anshimEntityRead' in redis)) redis.defineCommand('anshimEntityRead', { lua: ENTITY_READ });
    this.redis = redis as EntityReadRedis;
    this.prefix = (redis.options as { keyPrefix?: string }).keyPrefix ?? '';
  }

  async read(entryKeys: string[], versionKeys: string[]): Promise<EntityRead> {
    const keys = [...entryKeys, ...versionKeys];
    const [values, names, current] = await this.redis.anshimEntityRead(keys.length, ...keys, entryKeys.length, this.prefix);
    return {
      entries: entryKeys.map((_, i) => values[i] ?? null),
      versions: versionKeys.map((_, i) => values[entryKeys.length + i] ?? null),
      dependencies: new Map(names.map((name, i) => [name, current[i] ?? ''])),
    };
  }
}
