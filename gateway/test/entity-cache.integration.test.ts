// The entity cache inside the data source, on real Redis, in front of a stand-in subgraph over HTTP
// that answers `_entities` after 50 ms with each entity's current generation (so an answer shows
// which change it reflects). What the whole system does end to end: test/e2e/entity-cache.e2e.test.ts.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ENTITY_CACHE_HINTS } from '@anshim/contracts';
import { connectRedis, createLogger, createRedis, EntityInvalidator, versionKeysOf, type Redis } from '@anshim/platform';
import type { GatewayContext } from '../src/context.ts';
import { EntityCache } from '../src/upstream/entity-cache.ts';
import { SubgraphDataSource } from '../src/upstream/subgraph-data-source.ts';
import { createSubgraphFetcher, type SubgraphFetcher } from '../src/upstream/subgraph-fetcher.ts';

const QUERY = 'query Page__safety__1($representations:[_Any!]!){_entities(representations:$representations){...on User{safetyDisplay{label}}}}';
const logger = createLogger('entity-cache-test', 'silent');

let server: Server;
let url: string;
let fetcher: SubgraphFetcher;
let redis: Redis;
let relayConnection: Redis;
let settings: { url: string; prefix: string };
/** Each request's representations, as the subgraph received them. */
let received: string[][] = [];
const generation = new Map<string, number>();
/** What the stand-in subgraph says an entity's answer depends on (extensions.entityCacheDependencies). */
const dependencies = new Map<string, Record<string, string>>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const { variables } = JSON.parse(Buffer.concat(chunks).toString()) as { variables: { representations: Array<{ id: string }> } };
      const ids = variables.representations.map((rep) => rep.id);
      received.push(ids);
      const answer = ids.map((id) => (id.startsWith('broken') ? null : { __typename: 'User', safetyDisplay: { label: `${id}@${generation.get(id) ?? 0}` } }));
      const errors = ids.flatMap((id, j) => (id.startsWith('broken') ? [{ message: 'no such user', path: ['_entities', j] }] : []));
      setTimeout(() => {
        res.setHeader('content-type', 'application/json');
        const named = Object.fromEntries(ids.flatMap((id) => (dependencies.has(id) ? [[`User:${id}`, dependencies.get(id)!]] : [])));
        const extensions = Object.keys(named).length ? { extensions: { entityCacheDependencies: named } } : {};
        res.end(JSON.stringify({ data: { _entities: answer }, ...(errors.length ? { errors } : {}), ...extensions }));
      }, 50);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  fetcher = createSubgraphFetcher({ timeoutMs: 2_000 });
  settings = { url: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0', prefix: `test_entity_cache_${randomBytes(4).toString('hex')}` };
  redis = createRedis(settings);
  relayConnection = connectRedis(settings.url);
});

afterAll(async () => {
  fetcher.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const keys = await redis.keys(`${settings.prefix}:*`);
  if (keys.length) await redis.del(...keys.map((key) => key.slice(`${settings.prefix}:`.length)));
  redis.disconnect();
  relayConnection.disconnect();
});

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 2_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

beforeEach(() => {
  received = [];
});

/** A data source with a cache whose Redis counts the commands the cache sends. */
function cachedSource() {
  const commands: string[] = [];
  const counted = new Proxy(redis, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        commands.push(String(name));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  const cache = new EntityCache(counted, ENTITY_CACHE_HINTS, logger);
  const source = new SubgraphDataSource({ name: 'safety', url, fetcher, internalSecret: 'x'.repeat(32), entityCache: cache });
  return { cache, source, commands };
}

function entities(source: SubgraphDataSource, ids: string[], context: Partial<GatewayContext> = {}) {
  const options = {
    request: { query: QUERY, variables: { representations: ids.map((id) => ({ __typename: 'User', id })) } },
    context: { requestId: randomUUID(), identity: null, locale: 'ko', acceptLanguage: undefined, logger, ...context },
  };
  return source.process(options as unknown as GraphQLDataSourceProcessOptions<GatewayContext>);
}

const labels = (answer: Awaited<ReturnType<typeof entities>>) =>
  ((answer.data as { _entities: Array<{ safetyDisplay: { label: string } } | null> })._entities).map((e) => e?.safetyDisplay.label ?? null);

/** What a relay does when it publishes safety.score_changed for these users (on its own unprefixed connection). */
async function scoreChanged(ids: string[]): Promise<void> {
  for (const id of ids) generation.set(id, (generation.get(id) ?? 0) + 1);
  const keys = versionKeysOf(ids.map((userId) => ({ type: 'safety.score_changed', envelope: { data: { userId } } })), settings);
  await new EntityInvalidator(() => relayConnection, logger, 0).bump(keys);
}

const ids = (n: number) => Array.from({ length: n }, () => randomUUID());

describe('the entity cache in the data source', () => {
  it('asks the subgraph only for the misses, and answers a page of hits with one Redis command and no request', async () => {
    const { source, commands } = cachedSource();
    const [a, b, c] = ids(3);
    await entities(source, [a!, b!]);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the entries are written after the answer
    const answer = await entities(source, [a!, c!, b!, a!]);
    expect(labels(answer)).toEqual([`${a}@0`, `${c}@0`, `${b}@0`, `${a}@0`]);
    expect(received).toEqual([[a, b], [c]]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    commands.length = 0;
    received = [];
    expect(labels(await entities(source, [c!, b!, a!]))).toEqual([`${c}@0`, `${b}@0`, `${a}@0`]);
    expect(received).toEqual([]);
    expect(commands).toEqual(['anshimEntityRead']); // entries, versions and dependencies in one round trip
  });

  it('reads a batch larger than one MGET chunk of the read script (600 keys) in one command', async () => {
    const { source, commands } = cachedSource();
    const many = ids(300);
    await entities(source, many);
    await new Promise((resolve) => setTimeout(resolve, 100));
    commands.length = 0;
    received = [];
    expect(labels(await entities(source, many))).toEqual(many.map((id) => `${id}@0`));
    expect(received).toEqual([]);
    expect(commands).toEqual(['anshimEntityRead']);
  });

  it('serves the changed value right after the event, even when the event came while the old value was being fetched', async () => {
    const { source } = cachedSource();
    const [a] = ids(1);
    await entities(source, [a!]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await scoreChanged([a!]);
    expect(labels(await entities(source, [a!]))).toEqual([`${a}@1`]);

    // The event lands while the subgraph's answer (made before it) is on its way: that answer is
    // stored against the version read before the fetch, so it is stale at once.
    await scoreChanged([a!]);
    received = [];
    const during = entities(source, [a!]);
    await until(() => received.length === 1); // the subgraph has the request: its answer is generation 2
    await scoreChanged([a!]);
    expect(labels(await during)).toEqual([`${a}@2`]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    received = [];
    expect(labels(await entities(source, [a!]))).toEqual([`${a}@3`]);
    expect(received).toEqual([[a]]);
  });

  it('fetches a hot entity once per gateway when a hundred requests miss it at the same moment', async () => {
    const { source, cache } = cachedSource();
    const [hot] = ids(1);
    const answers = await Promise.all(Array.from({ length: 100 }, () => entities(source, [hot!])));
    expect(received).toEqual([[hot]]);
    for (const answer of answers) expect(labels(answer)).toEqual([`${hot}@0`]);
    expect(cache.counts.joined).toBe(99);
    // Every request has its own objects: the query plan merges into them.
    (answers[0]!.data as { _entities: Array<{ safetyDisplay: { label: string } }> })._entities[0]!.safetyDisplay.label = 'changed';
    expect(labels(answers[1]!)).toEqual([`${hot}@0`]);
  });

  it('stores no error or null, and points each error at the caller\'s position', async () => {
    const { source } = cachedSource();
    const [a] = ids(1);
    const broken = `broken-${randomUUID()}`;
    await entities(source, [a!]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const answer = await entities(source, [a!, broken]);
    expect(labels(answer)).toEqual([`${a}@0`, null]);
    expect(answer.errors?.map((error) => error.path)).toEqual([['_entities', 1]]);
    expect(await redis.keys(`${settings.prefix}:ec:e:safety:User:${broken}:*`)).toEqual([]);
  });

  it('never answers the member themself from the cache, nor writes what they get', async () => {
    const { source } = cachedSource();
    const [a] = ids(1);
    await entities(source, [a!], { identity: { userId: a!, role: 'USER' } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await redis.keys(`${settings.prefix}:ec:e:safety:User:${a}:*`)).toEqual([]);
    await entities(source, [a!], { identity: { userId: a!, role: 'USER' } });
    expect(received).toEqual([[a], [a]]);
  });

  it('serves an entry only while the versions its answer named are unchanged, and stores none naming a bad key', async () => {
    const { source, cache } = cachedSource();
    const [a, b] = ids(2);
    const seller = `ec:v:safety:User:seller-${randomUUID()}`;
    dependencies.set(a!, { [seller]: '' }); // the seller has no version yet, as the subgraph read it
    await entities(source, [a!]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    received = [];
    await entities(source, [a!]);
    expect(received).toEqual([]); // a hit: the dependency is unchanged

    // The seller changes (their version bumped): the entry is stale although the entity's own version is not.
    await redis.set(seller, 'after-the-change');
    const stale = cache.counts.stale;
    await entities(source, [a!]);
    expect(received).toEqual([[a]]);
    expect(cache.counts.stale).toBe(stale + 1);

    // The subgraph read the version before a change that was bumped while its answer travelled: never served.
    dependencies.set(a!, { [seller]: 'before-the-change' });
    received = [];
    await entities(source, [a!]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await entities(source, [a!]);
    expect(received).toEqual([[a], [a]]);

    // A dependency that is not an entity version: the answer is not stored at all.
    dependencies.set(b!, { 'session:x': '' });
    await entities(source, [b!]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await redis.keys(`${settings.prefix}:ec:e:safety:User:${b}:*`)).toEqual([]);
    await redis.del(seller);
  });
});
