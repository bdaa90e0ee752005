// Upstream: which `_entities` fetches the entity cache may answer (docs/caching.md). Pure: reads the
// query planner's fetch and the @entityCache hints, never Redis.
import { createHash } from 'node:crypto';
import type { EntityCacheHints, EntityCacheScope } from '@anshim/contracts';
import type { Identity } from '@anshim/platform';
import { graphqlRuntime } from '@anshim/platform';
import type { DocumentNode, FragmentDefinitionNode, SelectionSetNode } from 'graphql';

const { Kind, parse } = graphqlRuntime;

/** What one fetch query selects of each entity type, if every selected field is hinted. */
export interface EntitySelection {
  /** Entity type → the scopes of its selected fields. */
  types: ReadonlyMap<string, ReadonlySet<EntityCacheScope>>;
  /** Seconds an entry may live: the smallest maxAge of the types selected. */
  maxAge: number;
}

/** One representation the cache may answer: where its entry and its version live, who may share it. */
export interface EntityCandidate {
  entryKey: string;
  versionKey: string;
  /** `<Type>:<id>`: how the subgraph names the entity in its dependencies (entity-dependencies.ts). */
  ref: string;
  /** This caller may be answered from the entry. */
  readable: boolean;
  /** This caller's answer may be stored for others. */
  writable: boolean;
  /** Seconds the entry lives. */
  maxAge: number;
}

/**
 * The fetch's selection per entity type, or null when the cache must not answer it: not a plain
 * `_entities` read, or a field of some type that has no hint in this subgraph (private, viewer-bound
 * or simply not declared cacheable). Parsed once per distinct query.
 */
export class EntitySelections {
  private readonly known = new Map<string, EntitySelection | null>();

  constructor(
    private readonly hints: EntityCacheHints,
    private readonly maxEntries = 5_000,
  ) {}

  of(subgraph: string, query: string): EntitySelection | null {
    const key = `${subgraph}\n${query}`;
    let found = this.known.get(key);
    if (found === undefined) {
      found = analyse(this.hints, subgraph, query);
      // The planner's fetch queries are few and cached by it too; bounded all the same.
      if (this.known.size >= this.maxEntries) this.known.clear();
      this.known.set(key, found);
    }
    return found;
  }
}

function analyse(hints: EntityCacheHints, subgraph: string, query: string): EntitySelection | null {
  const typeHints = hints[subgraph];
  if (!typeHints || !query.includes('_entities')) return null;
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch {
    return null;
  }
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const operation = operations[0];
  if (operations.length !== 1 || operation?.kind !== Kind.OPERATION_DEFINITION || operation.operation !== 'query') return null;
  const [root, ...others] = operation.selectionSet.selections;
  if (others.length || root?.kind !== Kind.FIELD || root.name.value !== '_entities' || !root.selectionSet) return null;
  const types = new Map<string, Set<EntityCacheScope>>();
  for (const selection of root.selectionSet.selections) {
    if (selection.kind === Kind.FIELD && selection.name.value === '__typename') continue;
    const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : undefined;
    const type = fragment?.typeCondition?.name.value;
    const hinted = type ? typeHints[type] : undefined;
    if (!fragment || !type || !hinted) return null;
    const scopes = types.get(type) ?? new Set<EntityCacheScope>();
    if (!collectScopes(fragment.selectionSet, type, hinted.fields, fragments, scopes, 0)) return null;
    types.set(type, scopes);
  }
  if (types.size === 0) return null;
  const maxAge = Math.min(...[...types.keys()].map((type) => typeHints[type]!.maxAge));
  return { types, maxAge };
}

/** Adds the scope of every top-level field selected on `type`; false if one has no hint. */
function collectScopes(
  set: SelectionSetNode,
  type: string,
  fields: Readonly<Record<string, EntityCacheScope>>,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  scopes: Set<EntityCacheScope>,
  depth: number,
): boolean {
  if (depth > 8) return false;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      if (name === '__typename' || name === 'id') continue; // the key: what the caller sent
      const scope = fields[name];
      if (!scope) return false;
      scopes.add(scope);
      continue;
    }
    const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
    if (!fragment || (fragment.typeCondition && fragment.typeCondition.name.value !== type)) return false;
    if (!collectScopes(fragment.selectionSet, type, fields, fragments, scopes, depth + 1)) return false;
  }
  return true;
}

/**
 * What an entry's answer depends on besides the entity: the exact query (the selection, arguments
 * and directives) and every variable but the representations.
 */
export function selectionDigest(query: string, variables: Record<string, unknown> | undefined): string {
  const { representations: _representations, ...rest } = variables ?? {};
  const hash = createHash('sha256').update(query);
  if (Object.keys(rest).length) hash.update('\n').update(JSON.stringify(rest));
  return hash.digest('base64url').slice(0, 22);
}

/**
 * The entry of one representation for one caller, or null when it must go to the subgraph: not a
 * plain `{ __typename, id }`, or a type the fetch does not select.
 */
export function candidateFor(
  subgraph: string,
  selection: EntitySelection,
  digest: string,
  representation: unknown,
  viewer: { identity: Identity | null; locale: string },
): EntityCandidate | null {
  if (typeof representation !== 'object' || representation === null) return null;
  const { __typename: type, id, ...extra } = representation as Record<string, unknown>;
  if (typeof type !== 'string' || typeof id !== 'string' || !id || Object.keys(extra).length) return null;
  const scopes = selection.types.get(type);
  if (!scopes) return null;
  const { identity } = viewer;
  // A member reading their own account always asks the subgraph, so their own change shows at once
  // (others see it once the event is published, within a second). NOT_SELF: ADMINs see more, too.
  const self = identity !== null && identity.userId === id;
  const readable = !self && (!scopes.has('NOT_SELF') || identity === null || identity.role !== 'ADMIN');
  // VISIBLE: only what an anonymous visitor may see is stored for everyone.
  const writable = readable && (!scopes.has('VISIBLE') || identity === null);
  return {
    entryKey: `ec:e:${subgraph}:${type}:${id}:${digest}:${viewer.locale}`,
    versionKey: `ec:v:${subgraph}:${type}:${id}`,
    ref: `${type}:${id}`,
    readable,
    writable,
    maxAge: selection.maxAge,
  };
}
