// Upstream: the entity cache (ENTITY_CACHE; docs/caching.md). Public entity fields the subgraphs hint
// with @entityCache are kept in Redis per subgraph, type, id, selection and language. Each entry holds
// its entity's version as read before the subgraph was asked; a relay publishing an event that changes
// the entity gives it a new version, so an entry written before the change is never served again.
import type { GraphQLDataSource } from '@apollo/gateway';
import type { EntityCacheHints } from '@anshim/contracts';
import { ENTITY_DEPENDENCIES_EXTENSION, type EntityDependencyMap, type Identity, type Logger, type Redis } from '@anshim/platform';
import { candidateFor, EntitySelections, selectionDigest, type EntityCandidate } from './entity-cache-plan.ts';
import { EntityReader, type EntityRead } from './entity-cache-read.ts';

type GatewayGraphQLResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;
type GraphQLErrorShape = NonNullable<GatewayGraphQLResponse['errors']>[number];
type Entity = Record<string, unknown>;

interface Stored {
  /** The entity's version when the subgraph was asked ('' while it had none). */
  v: string;
  d: Entity;
  /**
   * Other entities' versions the answer depends on, as the subgraph read them before their data
   * (e.g. a listing's seller score): the entry is served only while every one is unchanged.
   */
  x?: Record<string, string>;
}

/** At most this many dependencies per entry; an answer naming more is not stored. */
const MAX_DEPENDENCIES = 8;

export interface EntityCacheCounts {
  /** Representations answered from Redis. */
  hits: number;
  /** Representations the cache could answer but had no current entry for (stale ones included). */
  misses: number;
  /** Of the misses: an entry was there, written before its entity's last change. */
  stale: number;
  /** Of the misses: answered by another request's fetch of the same entry in this process. */
  joined: number;
  /** Entries written. */
  stored: number;
  /** `_entities` fetches the cache may not answer (a field without a hint, a viewer who sees more). */
  bypassed: number;
}

export interface EntityFetchRequest {
  subgraph: string;
  query: string;
  variables: Record<string, unknown> | undefined;
  identity: Identity | null;
  locale: string;
}

/** Asks the subgraph for some of the representations (the same query, only these). */
export type FetchRepresentations = (representations: unknown[]) => Promise<GatewayGraphQLResponse>;

interface Fetched {
  entities: Array<Entity | null>;
  /** Indexes (into the representations asked) the subgraph answered with an error. */
  failed: Set<number>;
  errors: GraphQLErrorShape[];
  /** What the subgraph said each answer depends on besides its entity (none: nothing else). */
  dependencies: EntityDependencyMap;
}

const NOTHING: Fetched = { entities: [], failed: new Set(), errors: [], dependencies: {} };

export class EntityCache {
  readonly counts: EntityCacheCounts = { hits: 0, misses: 0, stale: 0, joined: 0, stored: 0, bypassed: 0 };
  private readonly selections: EntitySelections;
  /** Entries a request of this process is fetching: after a hot entity changes, this process asks for it once. */
  private readonly pending = new Map<string, Promise<Entity | undefined>>();
  private readonly reader: EntityReader;

  constructor(
    private readonly redis: Redis,
    hints: EntityCacheHints,
    private readonly logger: Logger,
  ) {
    this.selections = new EntitySelections(hints);
    this.reader = new EntityReader(redis);
  }

  /** The answer to an `_entities` fetch, from the cache where it may; undefined: not one for the cache. */
  async fetch(request: EntityFetchRequest, fetchUpstream: FetchRepresentations): Promise<GatewayGraphQLResponse | undefined> {
    const representations = request.variables?.representations;
    if (!Array.isArray(representations) || representations.length === 0) return undefined;
    const selection = this.selections.of(request.subgraph, request.query);
    const digest = selection ? selectionDigest(request.query, request.variables) : '';
    const candidates = selection ? representations.map((rep) => candidateFor(request.subgraph, selection, digest, rep, request)) : [];
    if (!selection || !candidates.some((candidate) => candidate?.readable)) {
      if (request.query.includes('_entities')) this.counts.bypassed++;
      return undefined;
    }
    const current = await this.read(candidates);
    const entities: Array<Entity | null> = representations.map(() => null);
    const own: number[] = [];
    const joins: Array<{ at: number; shared: Promise<Entity | undefined> }> = [];
    const settles = new Map<string, (entity: Entity | undefined) => void>();
    candidates.forEach((candidate, at) => {
      const hit = candidate?.readable ? current.entries.get(candidate.entryKey) : undefined;
      if (hit) {
        this.counts.hits++;
        entities[at] = hit;
        return;
      }
      if (candidate?.readable) this.counts.misses++;
      if (candidate?.writable && !settles.has(candidate.entryKey)) {
        const shared = this.pending.get(candidate.entryKey);
        if (shared) return void joins.push({ at, shared });
        this.pending.set(candidate.entryKey, new Promise((resolve) => settles.set(candidate.entryKey, resolve)));
      }
      own.push(at);
    });
    try {
      // Settled as soon as our own fetch is in, before we wait for others': no two requests wait on each other.
      const ownFetch = this.fetchSome(own, representations, fetchUpstream).then((fetched) => {
        this.share(own, fetched, candidates, settles, current);
        return fetched;
      });
      const [mine, joined] = await Promise.all([ownFetch, Promise.all(joins.map(({ shared }) => shared))]);
      own.forEach((at, j) => (entities[at] = mine.entities[j] ?? null));
      const retry: number[] = [];
      joins.forEach(({ at }, k) => {
        if (!joined[k]) return void retry.push(at); // the other request got an error: ask ourselves
        this.counts.joined++;
        entities[at] = structuredClone(joined[k]!); // the query plan merges into what it gets: never share objects
      });
      const again = await this.fetchSome(retry, representations, fetchUpstream);
      retry.forEach((at, j) => (entities[at] = again.entities[j] ?? null));
      const errors = [...mine.errors, ...again.errors];
      return { data: { _entities: entities }, ...(errors.length ? { errors } : {}) };
    } finally {
      for (const [key, settle] of settles) {
        settle(undefined); // a no-op when share() settled it
        this.pending.delete(key);
      }
    }
  }

  /** Hands our answers to requests waiting on the same entries, and stores the ones others may share. */
  private share(own: number[], fetched: Fetched, candidates: Array<EntityCandidate | null>, settles: Map<string, (entity: Entity | undefined) => void>, current: Current): void {
    const writes: Array<[string, string, number]> = [];
    own.forEach((at, j) => {
      const candidate = candidates[at];
      const settle = candidate ? settles.get(candidate.entryKey) : undefined;
      if (!candidate || !settle) return;
      const entity = fetched.failed.has(j) ? undefined : (fetched.entities[j] ?? undefined);
      settle(entity);
      this.pending.delete(candidate.entryKey);
      settles.delete(candidate.entryKey);
      // Stored against the version read before the fetch: an event meanwhile makes it stale at once.
      // Its dependencies' versions were read by the subgraph before it read their data: the same.
      const x = dependenciesOf(fetched.dependencies, candidate.ref);
      if (entity && current.readOk && x !== null) {
        const stored: Stored = { v: current.versions.get(candidate.versionKey) ?? '', d: entity, ...(x ? { x } : {}) };
        writes.push([candidate.entryKey, JSON.stringify(stored), candidate.maxAge]);
      }
    });
    if (writes.length) this.write(writes);
  }

  /** Current entries and the versions they were checked against, in one round trip (entity-cache-read.ts). */
  private async read(candidates: Array<EntityCandidate | null>): Promise<Current> {
    const readable = candidates.filter((candidate): candidate is EntityCandidate => candidate?.readable === true);
    const entryKeys = [...new Set(readable.map((candidate) => candidate.entryKey))];
    const versionKeys = [...new Set(readable.map((candidate) => candidate.versionKey))];
    let answer: EntityRead;
    try {
      answer = await this.reader.read(entryKeys, versionKeys);
    } catch (error) {
      this.logger.warn({ err: error }, 'entity cache read failed; asking the subgraph');
      return { entries: new Map(), versions: new Map(), readOk: false };
    }
    const versions = new Map<string, string>();
    versionKeys.forEach((key, i) => {
      const value = answer.versions[i];
      if (value) versions.set(key, value);
    });
    const versionOf = new Map(readable.map((candidate) => [candidate.entryKey, candidate.versionKey]));
    const entries = new Map<string, Entity>();
    entryKeys.forEach((key, i) => {
      const text = answer.entries[i];
      if (!text) return;
      const stored = parseStored(text);
      // Served only while its entity's version and every dependency's are what they were when stored.
      const current = stored && stored.v === (versions.get(versionOf.get(key)!) ?? '') && Object.entries(stored.x ?? {}).every(([dependency, version]) => answer.dependencies.get(dependency) === version);
      if (current) entries.set(key, stored.d);
      else this.counts.stale++;
    });
    return { entries, versions, readOk: true };
  }

  private write(writes: Array<[string, string, number]>): void {
    const pipeline = this.redis.pipeline();
    for (const [key, value, seconds] of writes) pipeline.set(key, value, 'EX', seconds);
    pipeline
      .exec()
      .then(() => (this.counts.stored += writes.length))
      .catch((error: unknown) => this.logger.warn({ err: error }, 'entity cache write failed'));
  }

  /** The subgraph's answer for the representations at `positions`, its errors' paths pointing at them. */
  private async fetchSome(positions: number[], representations: unknown[], fetchUpstream: FetchRepresentations): Promise<Fetched> {
    if (positions.length === 0) return NOTHING;
    const answer = await fetchUpstream(positions.map((at) => representations[at]));
    const list = (answer.data as { _entities?: unknown } | null | undefined)?._entities;
    const entities = Array.isArray(list) ? (list as Array<Entity | null>) : positions.map(() => null);
    const failed = new Set<number>(Array.isArray(list) ? [] : positions.map((_, j) => j));
    const errors = (answer.errors ?? []).map((error) => {
      const [root, j, ...rest] = error.path ?? [];
      if (root !== '_entities' || typeof j !== 'number') return error;
      failed.add(j);
      return { ...error, path: ['_entities', positions[j] ?? j, ...rest] };
    });
    const named = answer.extensions?.[ENTITY_DEPENDENCIES_EXTENSION];
    const dependencies = typeof named === 'object' && named !== null ? (named as EntityDependencyMap) : {};
    return { entities, failed, errors, dependencies };
  }
}

/**
 * The dependencies the subgraph named for one entity: undefined when none, null when they are not
 * usable (not version keys, too many): the answer is then not stored.
 */
function dependenciesOf(dependencies: EntityDependencyMap, ref: string): Record<string, string> | undefined | null {
  const named: unknown = dependencies[ref];
  if (named === undefined) return undefined;
  if (typeof named !== 'object' || named === null) return null;
  const entries = Object.entries(named as Record<string, unknown>);
  if (entries.length > MAX_DEPENDENCIES || entries.some(([key, value]) => !key.startsWith('ec:v:') || typeof value !== 'string')) return null;
  return entries.length ? (named as Record<string, string>) : undefined;
}

/** An entry as stored, or undefined for anything else (a value from another version of the gateway). */
function parseStored(text: string): Stored | undefined {
  try {
    const stored = JSON.parse(text) as Partial<Stored> | null;
    const valid = typeof stored?.v === 'string' && typeof stored.d === 'object' && stored.d !== null && (stored.x === undefined || (typeof stored.x === 'object' && stored.x !== null));
    return valid ? (stored as Stored) : undefined;
  } catch {
    return undefined;
  }
}

interface Current {
  entries: Map<string, Entity>;
  /** Version key → value ('' absent) as read before any fetch. */
  versions: Map<string, string>;
  /** False when Redis did not answer: nothing is stored then (the versions are unknown). */
  readOk: boolean;
}
